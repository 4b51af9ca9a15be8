"""Between the employee and their manager: conversations asked for and recorded, comments, approval."""

import datetime as dt

from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.errors import BadRequest, Conflict, NotFound
from pathways.inbox import service as inbox
from pathways.trackers.models import CareerTracker, TrackerComment, TrackerConversation
from pathways.trackers.service import now, touch

MAX_TEXT = 4000

# requested -> scheduled (the manager proposed a time) -> held -> recorded (the outcome is written down);
# or requested -> declined, with the manager's reason. An employee may ask again once nothing is open.
STATUSES = {
    "requested": "Asked for",
    "scheduled": "Scheduled",
    "declined": "Declined",
    "held": "Held, outcome to come",
    "recorded": "Outcome recorded",
}
OPEN = ("requested", "scheduled", "held")
ANSWERABLE = ("requested", "scheduled")  # the manager may still set a time, decline, or mark it held


def clean(text: str, what: str, required: bool = False) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise BadRequest(f"The {what} cannot be empty.")
    if len(text) > MAX_TEXT:
        raise BadRequest(f"The {what} can be at most {MAX_TEXT} characters.")
    return text


def link(tracker: CareerTracker) -> str:
    return f"/trackers/{tracker.id}"


def open_request(tracker: CareerTracker) -> TrackerConversation | None:
    return next((c for c in tracker.conversations if c.status in OPEN), None)


def _find(tracker: CareerTracker, conversation_id: int) -> TrackerConversation:
    found = next((c for c in tracker.conversations if c.id == conversation_id), None)
    if found is None:
        raise NotFound(f"No conversation with id {conversation_id} in this tracker.")
    return found


def _answerable(tracker: CareerTracker, conversation_id: int, doing: str) -> TrackerConversation:
    conversation = _find(tracker, conversation_id)
    if conversation.status not in ANSWERABLE:
        raise Conflict(f"This conversation is {STATUSES[conversation.status].lower()}; it cannot be {doing}.")
    return conversation


def _answer(
    session: Session, tracker: CareerTracker, user: User, conversation: TrackerConversation, status: str
) -> None:
    before = {"status": conversation.status}
    conversation.status = status
    conversation.answered_at = now()
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action=f"tracker.conversation.{status}",
        entity="tracker_conversations",
        entity_id=conversation.id,
        before=before,
        after={"status": status, "tracker_id": tracker.id},
    )


def schedule_conversation(
    session: Session,
    tracker: CareerTracker,
    user: User,
    conversation_id: int,
    when: dt.datetime,
    message: str,
    today: dt.date,
) -> TrackerConversation:
    """The manager answers a request with a time (or moves the time of one already scheduled)."""
    conversation = _answerable(tracker, conversation_id, "scheduled")
    if when.date() < today:
        raise BadRequest("The proposed time is in the past; choose a day from today on.")
    conversation.scheduled_for = when
    conversation.response = clean(message, "message")
    _answer(session, tracker, user, conversation, "scheduled")
    note = f": {conversation.response}" if conversation.response else "."
    inbox.notify_employee(
        session,
        tracker.employee_id,
        "tracker.conversation",
        f"{user.name} proposes your career conversation on {when:%-d %B %Y at %H:%M}{note}",
        link(tracker),
    )
    return conversation


def decline_conversation(
    session: Session, tracker: CareerTracker, user: User, conversation_id: int, message: str
) -> TrackerConversation:
    """The manager declines a request, and must say why: the employee reads it."""
    conversation = _answerable(tracker, conversation_id, "declined")
    conversation.response = clean(message, "reason for declining", required=True)
    _answer(session, tracker, user, conversation, "declined")
    inbox.notify_employee(
        session,
        tracker.employee_id,
        "tracker.conversation",
        f"{user.name} declined your request for a career conversation: {conversation.response}",
        link(tracker),
    )
    return conversation


def mark_held(
    session: Session,
    tracker: CareerTracker,
    user: User,
    conversation_id: int,
    held_on: dt.date,
    today: dt.date,
) -> TrackerConversation:
    """The conversation took place; its outcome is written down later (record_conversation)."""
    conversation = _answerable(tracker, conversation_id, "marked held")
    if held_on > today:
        raise BadRequest("A conversation cannot be held in the future; give the day it took place.")
    conversation.held_on = held_on
    _answer(session, tracker, user, conversation, "held")
    return conversation


def request_conversation(
    session: Session, tracker: CareerTracker, user: User, questions: str
) -> TrackerConversation:
    employee = tracker.employee
    if employee.manager_id is None:
        raise BadRequest("No manager is on record for you, so there is no one to ask. Ask HR to add them.")
    pending = open_request(tracker)
    if pending is not None:
        raise Conflict(
            f"You already asked for a conversation on {pending.requested_at:%d %B %Y} "
            f"({STATUSES[pending.status].lower()}); your manager will record it when you have met."
        )
    conversation = TrackerConversation(
        status="requested",
        questions=clean(questions, "questions"),
        requested_at=now(),
        outcome="",
        next_steps="",
    )
    tracker.conversations.append(conversation)
    touch(tracker, user, "Asked the manager for a career conversation")
    session.flush()
    inbox.notify_employee(
        session,
        employee.manager_id,
        "tracker.conversation",
        f"{employee.name} asks for a career conversation about becoming {tracker.role.name}.",
        link(tracker),
    )
    return conversation


def record_conversation(
    session: Session,
    tracker: CareerTracker,
    user: User,
    *,
    conversation_id: int | None,
    held_on: dt.date,
    outcome: str,
    next_steps: str,
    follow_up_on: dt.date | None,
) -> TrackerConversation:
    """Record a requested conversation, or one held without a request (conversation_id None)."""
    if follow_up_on is not None and follow_up_on < held_on:
        raise BadRequest("The follow-up date cannot be before the conversation.")
    if conversation_id is None:
        conversation = TrackerConversation(questions="", requested_at=now())
        tracker.conversations.append(conversation)
    else:
        conversation = _find(tracker, conversation_id)
        if conversation.status not in OPEN:
            raise Conflict(
                f"This conversation is {STATUSES[conversation.status].lower()}; record a new one instead."
            )
    before = {"status": conversation.status}
    conversation.status = "recorded"
    conversation.held_on, conversation.follow_up_on = held_on, follow_up_on
    conversation.outcome = clean(outcome, "outcome", required=True)
    conversation.next_steps = clean(next_steps, "next steps")
    conversation.recorded_by_user_id = user.id
    touch(tracker, user, f"Recorded the conversation of {held_on.isoformat()}")
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="tracker.conversation.record",
        entity="tracker_conversations",
        entity_id=conversation.id,
        before=before,
        after={"status": "recorded", "held_on": held_on.isoformat(), "tracker_id": tracker.id},
    )
    inbox.notify_employee(
        session,
        tracker.employee_id,
        "tracker.conversation",
        f"{user.name} recorded your career conversation about {tracker.role.name}, with next steps.",
        link(tracker),
    )
    return conversation


def add_comment(session: Session, tracker: CareerTracker, user: User, body: str) -> TrackerComment:
    comment = TrackerComment(
        author_user_id=user.id, author_name=user.name, kind="comment", body=clean(body, "comment", True)
    )
    comment.created_at = now()
    tracker.comments.append(comment)
    touch(tracker, user, "Commented on the plan")
    session.flush()
    inbox.notify_employee(
        session,
        tracker.employee_id,
        "tracker.comment",
        f"{user.name} commented on your {tracker.role.name} tracker.",
        link(tracker),
    )
    return comment


def approve_plan(session: Session, tracker: CareerTracker, user: User, comment: str) -> None:
    if tracker.approved_revision == tracker.revision:
        raise Conflict("This version of the plan is already approved.")
    if not tracker.courses and not tracker.goals:
        raise BadRequest("There is no plan to approve yet: no courses or goals are planned.")
    before = {"approved_revision": tracker.approved_revision}
    body = clean(comment, "comment") or "Plan approved."
    approval = TrackerComment(author_user_id=user.id, author_name=user.name, kind="approval", body=body)
    approval.created_at = now()
    tracker.comments.append(approval)
    touch(tracker, user, "Approved the plan")
    tracker.approved_revision, tracker.approved_by_user_id, tracker.approved_at = (
        tracker.revision,
        user.id,
        now(),
    )
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="tracker.approve",
        entity="career_trackers",
        entity_id=tracker.id,
        before=before,
        after={"approved_revision": tracker.revision, "courses": [i.course.code for i in tracker.courses]},
    )
    inbox.notify_employee(
        session,
        tracker.employee_id,
        "tracker.approval",
        f"{user.name} approved your plan for {tracker.role.name}.",
        link(tracker),
    )
