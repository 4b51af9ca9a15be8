import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.audit.models import AuditEntry
from pathways.errors import BadRequest, Conflict
from pathways.inbox.models import Notification
from pathways.trackers import conversations, service
from pathways.trackers.models import CareerTracker
from tests.trackers.support import user


def inbox_of(session: Session, key: str) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user(session, key).id)
    return list(session.scalars(query.order_by(Notification.id)))


def test_asking_for_a_conversation_tells_the_manager(session: Session, tracker: CareerTracker) -> None:
    alice = user(session, "psr_alice")
    before = len(inbox_of(session, "sup_carl"))
    conversation = conversations.request_conversation(
        session, tracker, alice, "What does a PSR II do on day one?"
    )
    notes = inbox_of(session, "sup_carl")[before:]
    assert [(n.kind, n.link) for n in notes] == [("tracker.conversation", f"/trackers/{tracker.id}")]
    assert "Alice Moreno asks for a career conversation" in notes[0].message
    assert conversation.status == "requested" and conversation.questions.startswith("What does")


def test_the_supervisor_records_the_outcome_and_the_history_stays(
    session: Session, tracker: CareerTracker
) -> None:
    alice, carl = user(session, "psr_alice"), user(session, "sup_carl")
    asked = conversations.request_conversation(session, tracker, alice, "Timing?")
    with pytest.raises(BadRequest, match="follow-up date cannot be before"):
        conversations.record_conversation(
            session,
            tracker,
            carl,
            conversation_id=asked.id,
            held_on=dt.date(2027, 1, 10),
            outcome="x",
            next_steps="",
            follow_up_on=dt.date(2027, 1, 1),
        )
    conversations.record_conversation(
        session,
        tracker,
        carl,
        conversation_id=asked.id,
        held_on=dt.date(2027, 1, 10),
        outcome="Ready in about a year.",
        next_steps="Finish REV-201; shadow Bea.",
        follow_up_on=dt.date(2027, 4, 1),
    )
    conversations.record_conversation(
        session,
        tracker,
        carl,
        conversation_id=None,
        held_on=dt.date(2027, 4, 1),
        outcome="Follow-up held.",
        next_steps="",
        follow_up_on=None,
    )
    tracker = service.get_tracker(session, tracker.id)
    assert [(c.status, c.held_on) for c in tracker.conversations] == [
        ("held", dt.date(2027, 1, 10)),
        ("held", dt.date(2027, 4, 1)),
    ]
    assert tracker.conversations[0].next_steps == "Finish REV-201; shadow Bea."
    assert inbox_of(session, "psr_alice")[-1].kind == "tracker.conversation"
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "tracker.conversation.record")
    ).all()
    assert len(audit) == 2


def test_approving_the_plan_is_audited_and_the_employee_told(
    session: Session, tracker: CareerTracker
) -> None:
    alice, carl = user(session, "psr_alice"), user(session, "sup_carl")
    service.plan_course(session, tracker, "REV-201", "2027-Q1", alice)
    conversations.add_comment(session, tracker, carl, "Take REV-210 first?")
    conversations.approve_plan(session, tracker, carl, "Good plan.")
    assert tracker.approved_revision == tracker.revision and tracker.approved_by_user_id == carl.id
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "tracker.approve")).one()
    assert (entry.actor_user_id, entry.entity_id, entry.after["courses"]) == (
        carl.id,
        tracker.id,
        ["REV-201"],
    )
    kinds = [n.kind for n in inbox_of(session, "psr_alice")]
    assert kinds[-2:] == ["tracker.comment", "tracker.approval"]
    assert [c.kind for c in tracker.comments] == ["comment", "approval"]
    with pytest.raises(Conflict, match="already approved"):
        conversations.approve_plan(session, tracker, carl, "")
    service.plan_course(session, tracker, "REV-210", "2027-Q1", alice)
    assert tracker.approved_revision != tracker.revision, "a changed plan is no longer the approved one"
