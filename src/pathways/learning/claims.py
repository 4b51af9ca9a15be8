"""Completions marked by hand, and the supervisor's confirmation of an employee's own mark.

An employee's own mark on a course that is not required of them is recorded at once. On a required course
(compliance) it waits for their supervisor, who confirms or rejects it from the confirmations page that
their inbox links to. A supervisor, trainer or administrator marking it for someone in their scope records it.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import (
    can_assign_learning,
    can_manage_employee,
    can_view_employee,
    is_admin,
    reports_of,
)
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound
from pathways.inbox import service as inbox
from pathways.learning import requirements as rules
from pathways.learning.assignments import plain_text
from pathways.learning.completions import record_completion
from pathways.learning.models import CompletionClaim, Course
from pathways.org.models import Employee

RECORDED, ALREADY, AWAITING = "recorded", "already recorded", "awaiting confirmation"
CONFIRMATIONS_LINK = "/learning/confirmations"


@dataclass(frozen=True)
class MarkOutcome:
    outcome: str  # recorded | already recorded | awaiting confirmation
    claim_id: int | None = None


def check_completion(employee: Employee, completed_at: dt.date, score: int | None, today: dt.date) -> None:
    if completed_at > today:
        raise BadRequest(f"The completion date {completed_at.isoformat()} is in the future.")
    if completed_at < employee.hire_date:
        raise BadRequest(
            f"The completion date {completed_at.isoformat()} is before {employee.name}'s hire date "
            f"({employee.hire_date.isoformat()})."
        )
    if score is not None and not 0 <= score <= 100:
        raise BadRequest(f"The score must be a whole number from 0 to 100; got {score}.")


def _is_required(session: Session, employee: Employee, course: Course) -> bool:
    rows = rules.load_required(session, [employee.id])
    return any(row.course_id == course.id and not _waived(row) for row in rows)


def _waived(row: rules.Required) -> bool:
    return row.assignment is not None and row.assignment.state == "waived"


def mark_completed(
    session: Session,
    actor: User,
    employee: Employee,
    course: Course,
    *,
    completed_at: dt.date,
    score: int | None,
    today: dt.date,
) -> MarkOutcome:
    check_completion(employee, completed_at, score, today)
    own = actor.employee_id == employee.id
    if not own and not (can_assign_learning(actor) and can_view_employee(session, actor, employee)):
        raise Forbidden(
            "You can mark your own courses as completed; supervisors, trainers and administrators can "
            "also mark them for people in their scope."
        )
    if own and not is_admin(actor) and _is_required(session, employee, course):
        return _claim(session, actor, employee, course, completed_at, score)
    completion, created = record_completion(
        session,
        employee_id=employee.id,
        course_id=course.id,
        completed_at=completed_at,
        score=score,
        source="manual",
    )
    if created:
        audit.record(
            session,
            actor_user_id=actor.id,
            action="completion.mark",
            entity="completions",
            entity_id=completion.id,
            after={"employee_id": employee.id, "course": course.code, "on": completed_at.isoformat()},
        )
    return MarkOutcome(RECORDED if created else ALREADY)


def _claim(
    session: Session,
    actor: User,
    employee: Employee,
    course: Course,
    completed_at: dt.date,
    score: int | None,
) -> MarkOutcome:
    pending = session.scalar(
        select(CompletionClaim).where(
            CompletionClaim.employee_id == employee.id,
            CompletionClaim.course_id == course.id,
            CompletionClaim.state == "pending",
        )
    )
    if pending is not None:  # marking twice asks once
        return MarkOutcome(AWAITING, pending.id)
    claim = CompletionClaim(
        employee_id=employee.id,
        course_id=course.id,
        completed_at=completed_at,
        score=score,
        state="pending",
        claimed_by_user_id=actor.id,
        note="",
    )
    session.add(claim)
    session.flush()
    audit.record(
        session,
        actor_user_id=actor.id,
        action="completion.claim",
        entity="completion_claims",
        entity_id=claim.id,
        after={"employee_id": employee.id, "course": course.code, "completed_at": completed_at.isoformat()},
    )
    if employee.manager_id is not None:
        inbox.notify_employee(
            session,
            employee.manager_id,
            "confirmation",
            f"{employee.name} marked {course.code} ({course.title}) as completed on "
            f"{completed_at:%-d %b %Y}. Please confirm it.",
            CONFIRMATIONS_LINK,
        )
    return MarkOutcome(AWAITING, claim.id)


def pending_claims(session: Session, actor: User) -> list[CompletionClaim]:
    """The marks waiting for this user's confirmation: their reports' (every one, for an admin)."""
    query = (
        select(CompletionClaim)
        .where(CompletionClaim.state == "pending")
        .options(joinedload(CompletionClaim.employee), joinedload(CompletionClaim.course))
        .order_by(CompletionClaim.claimed_at, CompletionClaim.id)
    )
    if not is_admin(actor):
        if actor.employee_id is None:
            return []
        query = query.where(CompletionClaim.employee_id.in_(reports_of(actor.employee_id)))
    return list(session.scalars(query))


def _decidable(session: Session, actor: User, claim_id: int) -> tuple[CompletionClaim, Employee, Course]:
    claim = session.get(CompletionClaim, claim_id)
    if claim is None:
        raise NotFound(f"No completion waiting for confirmation with id {claim_id}.")
    employee = session.get(Employee, claim.employee_id)
    course = session.get(Course, claim.course_id)
    assert employee is not None and course is not None  # foreign keys guarantee both
    if not can_view_employee(session, actor, employee):
        # As if it did not exist: probing claim ids must not reveal who claimed what.
        raise NotFound(f"No completion waiting for confirmation with id {claim_id}.")
    if not can_manage_employee(session, actor, employee):
        raise Forbidden(f"Only {employee.name}'s supervisor or an administrator can confirm this completion.")
    if claim.state != "pending":
        raise Conflict(f"This completion was already {claim.state}.")
    return claim, employee, course


def _decide(session: Session, actor: User, claim: CompletionClaim, state: str, note: str) -> None:
    claim.state, claim.note = state, note
    claim.decided_by_user_id, claim.decided_at = actor.id, dt.datetime.now(dt.UTC)
    audit.record(
        session,
        actor_user_id=actor.id,
        action=f"completion.{state}",
        entity="completion_claims",
        entity_id=claim.id,
        before={"state": "pending"},
        after={"state": state, "note": note},
    )


def confirm(session: Session, actor: User, claim_id: int) -> CompletionClaim:
    claim, employee, course = _decidable(session, actor, claim_id)
    record_completion(
        session,
        employee_id=employee.id,
        course_id=course.id,
        completed_at=claim.completed_at,
        score=claim.score,
        source="manual",
        source_ref=f"claim:{claim.id}",
    )
    _decide(session, actor, claim, "confirmed", "")
    inbox.notify_employee(
        session, employee.id, "confirmation", f"{actor.name} confirmed that you completed {course.code}.",
        "/learning",
    )  # fmt: skip
    session.flush()
    return claim


def reject(session: Session, actor: User, claim_id: int, note: str) -> CompletionClaim:
    claim, employee, course = _decidable(session, actor, claim_id)
    text = plain_text(note)
    if not text:
        raise BadRequest("Say why the completion is not confirmed: the employee sees it in their inbox.")
    _decide(session, actor, claim, "rejected", text[:500])
    inbox.notify_employee(
        session,
        employee.id,
        "confirmation",
        f"{actor.name} did not confirm your completion of {course.code}: {text[:500]}",
        "/learning",
    )
    session.flush()
    return claim
