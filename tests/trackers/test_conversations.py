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
        ("recorded", dt.date(2027, 1, 10)),
        ("recorded", dt.date(2027, 4, 1)),
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


def test_the_manager_answers_with_a_time_then_marks_it_held_then_records_it(
    session: Session, tracker: CareerTracker
) -> None:
    alice, carl = user(session, "psr_alice"), user(session, "sup_carl")
    today = dt.date(2027, 1, 4)
    asked = conversations.request_conversation(session, tracker, alice, "Timing?")
    with pytest.raises(BadRequest, match="in the past"):
        conversations.schedule_conversation(
            session, tracker, carl, asked.id, dt.datetime(2027, 1, 3, 10, 0), "", today
        )
    when = dt.datetime(2027, 1, 12, 14, 30)
    conversations.schedule_conversation(session, tracker, carl, asked.id, when, "In the break room.", today)
    assert (asked.status, asked.scheduled_for, asked.response) == ("scheduled", when, "In the break room.")
    told = inbox_of(session, "psr_alice")[-1]
    assert "12 January 2027 at 14:30: In the break room." in told.message
    with pytest.raises(Conflict, match="scheduled"):
        conversations.request_conversation(session, tracker, alice, "Again?")  # one open request at a time
    with pytest.raises(BadRequest, match="in the future"):
        conversations.mark_held(session, tracker, carl, asked.id, dt.date(2027, 1, 13), today)
    conversations.mark_held(session, tracker, carl, asked.id, dt.date(2027, 1, 4), today)
    assert asked.status == "held"
    with pytest.raises(Conflict, match="held, outcome to come"):
        conversations.decline_conversation(session, tracker, carl, asked.id, "No.")
    conversations.record_conversation(
        session,
        tracker,
        carl,
        conversation_id=asked.id,
        held_on=asked.held_on or today,
        outcome="Ready in a year.",
        next_steps="",
        follow_up_on=None,
    )
    assert asked.status == "recorded"
    actions = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_id == asked.id, AuditEntry.entity == "tracker_conversations"
        )
    ).all()
    assert actions == [
        "tracker.conversation.scheduled",
        "tracker.conversation.held",
        "tracker.conversation.record",
    ]


def test_a_decline_needs_a_reason_the_employee_reads_and_she_may_ask_again(
    session: Session, tracker: CareerTracker
) -> None:
    alice, carl = user(session, "psr_alice"), user(session, "sup_carl")
    asked = conversations.request_conversation(session, tracker, alice, "")
    with pytest.raises(BadRequest, match="reason for declining cannot be empty"):
        conversations.decline_conversation(session, tracker, carl, asked.id, "  ")
    assert asked.status == "requested"
    conversations.decline_conversation(
        session, tracker, carl, asked.id, "Let us talk after the audit in March."
    )
    assert asked.status == "declined"
    assert inbox_of(session, "psr_alice")[-1].message.endswith("Let us talk after the audit in March.")
    again = conversations.request_conversation(session, tracker, alice, "After the audit?")
    assert again.status == "requested" and again.id != asked.id
