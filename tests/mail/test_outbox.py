"""What the events write to the outbox, in their own transaction, as each person prefers; the digest; and
the email a row becomes."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.config import Settings
from pathways.inbox import service as inbox
from pathways.inbox.models import Notification
from pathways.learning import assignments
from pathways.learning.assignments import Target
from pathways.learning.reminders import notify_due
from pathways.mail import compose, digest
from pathways.mail.models import MailState, OutboxMessage
from tests.learning_plans.conftest import TODAY, person, user

SETTINGS = Settings(
    environment="test", secret_key="test-secret-key", base_url="https://pathways.hospital.example"
)


def outbox(session: Session, who: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.user_id == user(session, who).id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def assign(session: Session, who: str = "psr_alice", code: str = "COMM-110") -> None:
    assignments.assign(
        session,
        user(session, "sup_carl"),
        course_code=code,
        target=Target("employee", str(person(session, who).id)),
        due_on=TODAY + dt.timedelta(days=30),
        reason="Refresh",
        today=TODAY,
    )


def test_an_assignment_queues_an_email_in_the_same_transaction(session: Session) -> None:
    before = len(outbox(session, "psr_alice"))
    savepoint = session.begin_nested()
    assign(session)
    [queued] = outbox(session, "psr_alice")[before:]
    assert queued.kind == "assignment" and queued.state == MailState.PENDING
    assert queued.to_address == "psr_alice@pathways.example" and queued.to_name == "Alice Moreno"
    assert queued.subject.startswith("New required course: ")
    assert queued.payload["link"] == "/learning"
    note = session.get(Notification, queued.notification_id)
    assert note is not None and note.message == queued.payload["message"]
    # The event rolled back takes its email with it.
    savepoint.rollback()
    assert len(outbox(session, "psr_alice")) == before


def test_each_preference_decides_what_is_queued(session: Session) -> None:
    alice = user(session, "psr_alice")
    alice.email_notifications = "none"
    session.flush()
    assign(session)
    assert outbox(session, "psr_alice") == []
    assert session.scalar(select(func.count()).where(Notification.user_id == alice.id)) >= 1
    alice.email_notifications = "digest"
    session.flush()
    assign(session, code="PSR-120")
    [held] = outbox(session, "psr_alice")
    assert held.state == MailState.HELD


def test_kinds_that_stay_in_the_app_queue_no_email(session: Session) -> None:
    alice = user(session, "psr_alice")
    inbox.notify_user(session, alice.id, "tracker.comment", "Carl commented on your tracker.", "/trackers")
    inbox.notify_user(session, alice.id, "story", "Your story is published.", "/stories")
    assert outbox(session, "psr_alice") == []


def test_an_inactive_account_gets_no_email(session: Session) -> None:
    user(session, "psr_alice").is_active = False
    session.flush()
    assign(session)
    assert outbox(session, "psr_alice") == []


def test_reminders_email_the_person_and_their_manager(session: Session) -> None:
    counts = notify_due(session, TODAY)
    assert counts.overdue > 0
    [overdue] = [m for m in outbox(session, "psr_alice") if m.kind == "overdue"]
    assert overdue.subject.startswith("Overdue required courses: ")
    assert overdue.payload["link"] == "/learning"
    team = [m for m in outbox(session, "sup_carl") if m.payload["link"] == "/learning/team"]
    assert len(team) == 1 and team[0].subject.startswith("Your reports are overdue on: ")
    emailed = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.kind.in_(["overdue", "due-soon", "expiring"]))
    )
    notes = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind.in_(["overdue", "due-soon", "expiring"]))
    )
    assert emailed == notes == counts.messages


def test_a_daily_digest_gathers_what_is_unread_once(session: Session) -> None:
    alice = user(session, "psr_alice")
    alice.email_notifications = "digest"
    session.flush()
    assign(session, code="COMM-110")
    assign(session, code="PSR-120")
    first, second = outbox(session, "psr_alice")
    inbox.mark_read(session, alice.id, second.notification_id)
    now = dt.datetime.now(dt.UTC)
    # Queued after this hour's digest time: they wait for the next one.
    assert digest.compose_due(session, now, now.hour) == 0
    tomorrow = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1, minutes=5)
    assert digest.compose_due(session, tomorrow, tomorrow.hour) == 1
    session.expire_all()
    messages = outbox(session, "psr_alice")
    [made] = [m for m in messages if m.kind == "digest"]
    assert made.state == MailState.PENDING
    assert made.subject == "Your Pathways digest: 1 update"
    assert [item["message"] for item in made.payload["items"]] == [first.payload["message"]]
    states = {m.id: (m.state, m.digest_id) for m in messages}
    assert states[first.id] == (MailState.DIGESTED, made.id)
    assert states[second.id][0] == MailState.SKIPPED
    assert digest.compose_due(session, tomorrow + dt.timedelta(minutes=1), tomorrow.hour) == 0
    email = compose.build(session, made, SETTINGS)
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert first.payload["message"] in text and "https://pathways.hospital.example/learning" in text


def test_the_email_has_text_and_html_with_absolute_links(session: Session) -> None:
    assign(session)
    [queued] = outbox(session, "psr_alice")
    email = compose.build(session, queued, SETTINGS)
    assert email["Message-ID"] == queued.message_id
    assert email["Auto-Submitted"] == "auto-generated"
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    assert "Open it in Pathways: https://pathways.hospital.example/learning" in text
    assert 'href="https://pathways.hospital.example/learning"' in html
    assert "https://pathways.hospital.example/account" in text
    # The HTML part escapes what people typed; the text part keeps it as typed.
    inbox.notify_user(session, user(session, "psr_alice").id, "assignment", "Due <soon> & now.", "/learning")
    [_, odd] = outbox(session, "psr_alice")
    email = compose.build(session, odd, SETTINGS)
    assert "Due <soon> & now." in email.get_body(preferencelist=("plain",)).get_content()
    assert "Due &lt;soon&gt; &amp; now." in email.get_body(preferencelist=("html",)).get_content()
