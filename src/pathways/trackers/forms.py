"""The tracker page's forms: each posts, changes one thing, and redirects back to the page (no JS needed)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.errors import BadRequest, shown
from pathways.plans.routes import parse_hours
from pathways.routing import CSRF, TrackerId, today
from pathways.trackers import conversations, service
from pathways.trackers.access import open_tracker

router = APIRouter(include_in_schema=False, dependencies=CSRF)

CourseCode = Annotated[str, Path(max_length=32)]
Quarter = Annotated[str, Form(max_length=8)]
LongText = Annotated[str, Form(max_length=4000)]
OptionalDate = Annotated[str, Form(max_length=10)]

DONE_MESSAGES = {
    "planned": "The course is in your plan and in your learning plan.",
    "suggested": "The planner's courses were placed into quarters.",
    "imported": "The workbook's changes were applied.",
    "requested": "Your manager has been asked for a conversation and told in their inbox.",
    "recorded": "The conversation is recorded; the employee was told in their inbox.",
    "scheduled": "The proposed time was sent to the employee's inbox.",
    "declined": "The request is declined; the employee was told why in their inbox.",
    "held": "Marked as held. Record the outcome when you are ready.",
    "approved": "The plan is approved; the employee was told in their inbox.",
    "commented": "Your comment was added; the employee was told in their inbox.",
    "saved": "Saved.",
}


def back(tracker_id: int, done: str = "saved", anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/trackers/{tracker_id}?done={done}{anchor}", status_code=303)


def optional_date(text: str, what: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"The {what} {shown(text)} is not a date: write it like 2027-03-31.") from None


@router.post("/trackers/{tracker_id}/courses")
def add_course(
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    course: Annotated[str, Form(max_length=32)],
    quarter: Quarter,
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.plan_course(session, tracker, course, quarter, user)
    return back(tracker_id, "planned", "#plan")


@router.post("/trackers/{tracker_id}/courses/{code}/move")
def move_course(
    tracker_id: TrackerId, code: CourseCode, user: CurrentUser, session: DbSession, quarter: Quarter
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    course = service.course_by_code(session, code)
    if service.planned(tracker, course.id) is None:
        raise BadRequest(f"{course.code} is not in this plan; add it first.")
    service.plan_course(session, tracker, code, quarter, user)
    return back(tracker_id, anchor="#plan")


@router.post("/trackers/{tracker_id}/courses/{code}/remove")
def remove_course(
    tracker_id: TrackerId, code: CourseCode, user: CurrentUser, session: DbSession
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.unplan_course(session, tracker, code, user)
    return back(tracker_id, anchor="#plan")


@router.post("/trackers/{tracker_id}/suggest")
def suggest(
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    hours: Annotated[str, Form(max_length=10)] = "3",
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    budget = Decimal(parse_hours(hours))
    service.suggest_plan(session, tracker, budget, user)
    # The page repeats the planner's answer (readiness date, gaps no course closes) from the budget in the
    # address: the web tier keeps no state between the post and the page it redirects to.
    return RedirectResponse(
        f"/trackers/{tracker_id}?done=suggested&hours={budget}#suggestion", status_code=303
    )


@router.post("/trackers/{tracker_id}/goals")
def add_goal(
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    text: Annotated[str, Form(max_length=300)],
    target_date: OptionalDate = "",
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.add_goal(session, tracker, text, optional_date(target_date, "target date"), user)
    return back(tracker_id, anchor="#goals")


@router.post("/trackers/{tracker_id}/goals/{goal_id}/done")
def toggle_goal(
    tracker_id: TrackerId, goal_id: Annotated[int, Path(ge=1)], user: CurrentUser, session: DbSession
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    goal = service.goal_by_id(tracker, goal_id)
    service.update_goal(
        session, tracker, goal, user, text=goal.text, target_date=goal.target_date, done=not goal.done
    )
    return back(tracker_id, anchor="#goals")


@router.post("/trackers/{tracker_id}/goals/{goal_id}/remove")
def remove_goal(
    tracker_id: TrackerId, goal_id: Annotated[int, Path(ge=1)], user: CurrentUser, session: DbSession
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.remove_goal(session, tracker, service.goal_by_id(tracker, goal_id), user)
    return back(tracker_id, anchor="#goals")


@router.post("/trackers/{tracker_id}/notes")
def save_notes(
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    notes: Annotated[str, Form(max_length=5000)] = "",
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.set_notes(session, tracker, notes, user)
    return back(tracker_id, anchor="#notes")


@router.post("/trackers/{tracker_id}/certifications")
def save_certifications(
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    held: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 - FastAPI copies defaults
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.set_certifications_held(session, tracker, held, user)
    return back(tracker_id, anchor="#requirements")


@router.post("/trackers/{tracker_id}/certifications/verify")
def verify_certification(
    tracker_id: TrackerId, user: CurrentUser, session: DbSession, name: Annotated[str, Form(max_length=300)]
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    service.verify_certification(session, tracker, name, user)
    return back(tracker_id, anchor="#requirements")


@router.post("/trackers/{tracker_id}/conversations")
def request_conversation(
    tracker_id: TrackerId, user: CurrentUser, session: DbSession, questions: LongText = ""
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    conversations.request_conversation(session, tracker, user, questions)
    return back(tracker_id, "requested", "#conversations")


@router.post("/trackers/{tracker_id}/conversations/record")
def record_conversation(
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    held_on: Annotated[str, Form(max_length=10)],
    outcome: LongText,
    next_steps: LongText = "",
    follow_up_on: OptionalDate = "",
    conversation_id: Annotated[str, Form(max_length=12)] = "",
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    held = optional_date(held_on, "date of the conversation")
    if held is None:
        raise BadRequest("Give the date the conversation was held.")
    conversations.record_conversation(
        session,
        tracker,
        user,
        conversation_id=int(conversation_id) if conversation_id.isdigit() else None,
        held_on=held,
        outcome=outcome,
        next_steps=next_steps,
        follow_up_on=optional_date(follow_up_on, "follow-up date"),
    )
    return back(tracker_id, "recorded", "#conversations")


ConversationId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Conversation id")]


def proposed_time(day: str, time: str) -> dt.datetime:
    when = optional_date(day, "day of the conversation")
    if when is None:
        raise BadRequest("Give the day you propose for the conversation.")
    try:
        clock = dt.time.fromisoformat(time.strip())
    except ValueError:
        raise BadRequest(f"The time {shown(time)} is not a time of day: write it like 14:30.") from None
    return dt.datetime.combine(when, clock.replace(second=0, microsecond=0, tzinfo=None))


@router.post("/trackers/{tracker_id}/conversations/{conversation_id}/schedule")
def schedule_conversation(
    tracker_id: TrackerId,
    conversation_id: ConversationId,
    user: CurrentUser,
    session: DbSession,
    day: Annotated[str, Form(max_length=10)],
    time: Annotated[str, Form(max_length=40)],
    message: LongText = "",
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    when = proposed_time(day, time)
    conversations.schedule_conversation(session, tracker, user, conversation_id, when, message, today())
    return back(tracker_id, "scheduled", "#conversations")


@router.post("/trackers/{tracker_id}/conversations/{conversation_id}/decline")
def decline_conversation(
    tracker_id: TrackerId,
    conversation_id: ConversationId,
    user: CurrentUser,
    session: DbSession,
    message: LongText = "",
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    conversations.decline_conversation(session, tracker, user, conversation_id, message)
    return back(tracker_id, "declined", "#conversations")


@router.post("/trackers/{tracker_id}/conversations/{conversation_id}/held")
def conversation_held(
    tracker_id: TrackerId,
    conversation_id: ConversationId,
    user: CurrentUser,
    session: DbSession,
    held_on: Annotated[str, Form(max_length=10)],
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    held = optional_date(held_on, "date of the conversation")
    if held is None:
        raise BadRequest("Give the date the conversation was held.")
    conversations.mark_held(session, tracker, user, conversation_id, held, today())
    return back(tracker_id, "held", "#conversations")


@router.post("/trackers/{tracker_id}/comments")
def add_comment(
    tracker_id: TrackerId, user: CurrentUser, session: DbSession, body: LongText
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    conversations.add_comment(session, tracker, user, body)
    return back(tracker_id, "commented", "#comments")


@router.post("/trackers/{tracker_id}/approve")
def approve(
    tracker_id: TrackerId, user: CurrentUser, session: DbSession, comment: LongText = ""
) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_manager().tracker
    conversations.approve_plan(session, tracker, user, comment)
    return back(tracker_id, "approved", "#comments")


@router.post("/trackers/{tracker_id}/delete")
def delete(tracker_id: TrackerId, user: CurrentUser, session: DbSession) -> RedirectResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    service.delete_tracker(session, tracker)
    return RedirectResponse("/trackers", status_code=303)
