"""Assigning required courses: to one person, a manager's whole team, a site or every holder of a role.

Supervisors assign within their reports, trainers within their region, administrators to anyone; site leads
and employees cannot assign. Every change is kept in assignment_events, written to the audit log and sent to
the assignee's inbox.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import (
    can_assign_learning,
    can_view_employee,
    ensure,
    reports_of,
    visible_employee_ids,
)
from pathways.careers.models import Role
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound, shown
from pathways.inbox import service as inbox
from pathways.learning import requirements as rules
from pathways.learning.models import Assignment, AssignmentEvent, Course
from pathways.org.models import Employee, Site

TARGET_KINDS = ("employee", "team", "site", "role")
MAX_REASON = 500
ASSIGNERS_ONLY = (
    "Only supervisors, trainers and administrators can assign courses. "
    "Ask your supervisor or a trainer to assign it."
)
OUT_OF_SCOPE = "supervisors assign to their own reports, trainers within their region"


@dataclass(frozen=True)
class Target:
    kind: str  # employee | team | site | role
    ref: str  # employee id (or number or email), manager's employee id, site code, role code

    @classmethod
    def parse(cls, value: str) -> "Target":
        """From a form value such as 'team:12' or 'site:NV-PSC-01'."""
        kind, _, ref = value.partition(":")
        if kind not in TARGET_KINDS or not ref.strip():
            raise BadRequest("Choose whom to assign the course to: a person, a team, a site or a role.")
        return cls(kind, ref.strip())


@dataclass
class AssignOutcome:
    course: Course
    target_label: str
    assigned: list[Employee] = field(default_factory=list)  # newly assigned, or reopened
    already: list[Employee] = field(default_factory=list)  # an open assignment was there: nothing changed
    out_of_scope: int = 0


def ensure_assigner(user: User) -> None:
    ensure(can_assign_learning(user), ASSIGNERS_ONLY)


def find_employee(session: Session, ref: str) -> Employee:
    """By id, employee number or email."""
    ref = plain_text(ref)
    query = select(Employee)
    if ref.isdigit() and len(ref) <= 9:  # an id; longer digit strings cannot be one
        query = query.where(Employee.id == int(ref))
    elif "@" in ref:
        query = query.where(func.lower(Employee.email) == ref.lower())
    else:
        query = query.where(Employee.employee_number == ref.upper())
    employee = session.scalar(query)
    if employee is None:
        raise NotFound(f"No employee with id, number or email {shown(ref)}.")
    return employee


def resolve_target(session: Session, target: Target) -> tuple[str, Select[int]]:
    """A label for people to read, and the ids of everyone the target covers."""
    if target.kind in ("employee", "team"):
        person = find_employee(session, target.ref)
        if target.kind == "employee":
            return person.name, select(Employee.id).where(Employee.id == person.id)
        return f"the team of {person.name}", reports_of(person.id)
    if target.kind == "site":
        site = session.scalar(select(Site).where(Site.code == plain_text(target.ref)))
        if site is None:
            raise NotFound(f"No site with code {shown(target.ref)}.")
        return f"everyone at {site.name}", select(Employee.id).where(Employee.site_id == site.id)
    role = session.scalar(select(Role).where(Role.code == plain_text(target.ref)))
    if role is None:
        raise NotFound(f"No role with code {shown(target.ref)}.")
    return f"every {role.name}", select(Employee.id).where(Employee.role_id == role.id)


def get_course(session: Session, code: str) -> Course:
    course = session.scalar(select(Course).where(Course.code == plain_text(code).upper()))
    if course is None:
        raise NotFound(f"No course with code {shown(code)}.")
    return course


def plain_text(value: str | None) -> str:
    """One line of printable text: control characters (a NUL breaks PostgreSQL) go, spaces collapse."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (value or "")).split())


def clean_reason(reason: str | None, what: str = "a reason") -> str:
    text = plain_text(reason)
    if not text:
        raise BadRequest(f"Give {what}: the people concerned see it in their plan.")
    if len(text) > MAX_REASON:
        raise BadRequest(f"Keep the reason to {MAX_REASON} characters or fewer.")
    return text


def check_due(due_on: dt.date, today: dt.date) -> None:
    if due_on < today:
        raise BadRequest(f"The due date {due_on.isoformat()} is in the past; choose today or a later date.")


def snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        "employee_id": assignment.employee_id,
        "course_id": assignment.course_id,
        "state": assignment.state,
        "due_on": assignment.due_on.isoformat(),
        "reason": assignment.reason,
        "state_reason": assignment.state_reason,
    }


def _history(
    session: Session, actor: User, assignment: Assignment, action: str, reason: str, before: dict[str, Any]
) -> None:
    session.add(
        AssignmentEvent(
            assignment_id=assignment.id,
            actor_user_id=actor.id,
            action=action,
            due_on=assignment.due_on,
            reason=reason,
        )
    )
    audit.record(
        session,
        actor_user_id=actor.id,
        action=f"assignment.{action}",
        entity="assignments",
        entity_id=assignment.id,
        before=before or None,
        after=snapshot(assignment),
    )


def assign(
    session: Session,
    actor: User,
    *,
    course_code: str,
    target: Target,
    due_on: dt.date,
    reason: str,
    today: dt.date,
) -> AssignOutcome:
    """Idempotent per person and course: an open assignment is left as it is, a closed one is reopened."""
    ensure_assigner(actor)
    reason = clean_reason(reason)
    check_due(due_on, today)
    course = get_course(session, course_code)
    label, covered = resolve_target(session, target)
    scope = visible_employee_ids(actor)
    people = list(
        session.scalars(
            select(Employee).where(Employee.id.in_(covered), Employee.id.in_(scope)).order_by(Employee.name)
        )
    )
    total = session.scalar(select(func.count()).select_from(covered.subquery())) or 0
    outcome = AssignOutcome(course=course, target_label=label, out_of_scope=total - len(people))
    if not people:
        if total == 0:
            raise BadRequest(f"There is nobody to assign to in {label}.")
        if target.kind == "employee":
            raise Forbidden(f"{label} is outside your scope: {OUT_OF_SCOPE}.")
        raise Forbidden(f"Nobody in {label} is within your scope: {OUT_OF_SCOPE}.")
    existing = {
        row.employee_id: row
        for row in session.scalars(
            select(Assignment).where(
                Assignment.course_id == course.id, Assignment.employee_id.in_([p.id for p in people])
            )
        )
    }
    changed: list[tuple[Assignment, str, dict[str, Any]]] = []
    for person in people:
        row = existing.get(person.id)
        if row is not None and row.state == "open":
            outcome.already.append(person)
            continue
        before = snapshot(row) if row is not None else {}
        if row is None:
            row = Assignment(employee_id=person.id, course_id=course.id, state="open", state_reason="")
            session.add(row)
        row.state, row.state_reason, row.due_on, row.reason = "open", "", due_on, reason
        row.assigned_by_user_id = actor.id
        changed.append((row, "reopened" if before else "assigned", before))
        outcome.assigned.append(person)
    session.flush()
    for row, action, before in changed:
        _history(session, actor, row, action, reason, before)
        inbox.notify_employee(
            session,
            row.employee_id,
            "assignment",
            f"New required course: {course.title} ({course.code}), due {due_on:%-d %b %Y}. "
            f"Assigned by {actor.name}: {reason}",
            "/learning",
        )
    session.flush()
    return outcome


def _editable(session: Session, actor: User, assignment_id: int) -> tuple[Assignment, Employee]:
    ensure_assigner(actor)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(f"No assignment with id {assignment_id}.")
    employee = session.get(Employee, assignment.employee_id)
    if employee is None or not can_view_employee(session, actor, employee):
        raise Forbidden(f"This assignment is for someone outside your scope: {OUT_OF_SCOPE}.")
    return assignment, employee


def _tell(session: Session, assignment: Assignment, message: str) -> None:
    course = session.get(Course, assignment.course_id)
    title = f"{course.title} ({course.code})" if course else "a course"
    inbox.notify_employee(session, assignment.employee_id, "assignment", f"{title}: {message}", "/learning")


def move_due(
    session: Session, actor: User, assignment_id: int, due_on: dt.date, today: dt.date, reason: str = ""
) -> Assignment:
    assignment, _ = _editable(session, actor, assignment_id)
    if assignment.state != "open":
        raise Conflict(f"This assignment is {assignment.state}; only an open one has a due date to move.")
    check_due(due_on, today)
    before = snapshot(assignment)
    assignment.due_on = due_on
    note = plain_text(reason)[:MAX_REASON]
    _history(session, actor, assignment, "due-moved", note, before)
    _tell(session, assignment, f"the due date is now {due_on:%-d %b %Y}." + (f" {note}" if note else ""))
    session.flush()
    return assignment


def cancel(session: Session, actor: User, assignment_id: int, reason: str = "") -> Assignment:
    assignment, _ = _editable(session, actor, assignment_id)
    if assignment.state == "cancelled":
        raise Conflict("This assignment is already cancelled.")
    before = snapshot(assignment)
    note = plain_text(reason)[:MAX_REASON]
    assignment.state, assignment.state_reason = "cancelled", note
    _history(session, actor, assignment, "cancelled", note, before)
    _tell(session, assignment, "the assignment was cancelled." + (f" {note}" if note else ""))
    session.flush()
    return assignment


def waive(session: Session, actor: User, assignment_id: int, reason: str) -> Assignment:
    assignment, _ = _editable(session, actor, assignment_id)
    if assignment.state != "open":
        raise Conflict(f"This assignment is {assignment.state}; only an open assignment can be waived.")
    note = clean_reason(reason, "the reason for the waiver")
    before = snapshot(assignment)
    assignment.state, assignment.state_reason = "waived", note
    _history(session, actor, assignment, "waived", note, before)
    _tell(session, assignment, f"waived: you no longer need to take it. {note}")
    session.flush()
    return assignment


def waive_course(
    session: Session, actor: User, employee: Employee, course: Course, reason: str, today: dt.date
) -> Assignment:
    """Waive a course required of one person, whether it was assigned or comes with their role."""
    ensure_assigner(actor)
    if not can_view_employee(session, actor, employee):
        raise Forbidden(f"{employee.name} is outside your scope: {OUT_OF_SCOPE}.")
    existing = session.scalar(
        select(Assignment).where(Assignment.employee_id == employee.id, Assignment.course_id == course.id)
    )
    if existing is not None and existing.state == "open":
        return waive(session, actor, existing.id, reason)
    if existing is not None and existing.state == "waived":
        raise Conflict(f"{course.code} is already waived for {employee.name}.")
    note = clean_reason(reason, "the reason for the waiver")
    required = {row.course_id: row for row in rules.load_required(session, [employee.id])}
    if course.id not in required:
        raise BadRequest(f"{course.code} is not required of {employee.name}, so there is nothing to waive.")
    row = existing or Assignment(employee_id=employee.id, course_id=course.id)
    before = snapshot(existing) if existing is not None else {}
    row.state, row.state_reason, row.due_on = "waived", note, required[course.id].due_on
    row.reason = row.reason or f"Required for the role; waived by {actor.name}"
    row.assigned_by_user_id = row.assigned_by_user_id or actor.id
    session.add(row)
    session.flush()
    _history(session, actor, row, "waived", note, before)
    _tell(session, row, f"waived: you no longer need to take it. {note}")
    session.flush()
    return row


def history(session: Session, assignment_id: int) -> list[AssignmentEvent]:
    query = select(AssignmentEvent).where(AssignmentEvent.assignment_id == assignment_id)
    return list(session.scalars(query.order_by(AssignmentEvent.at, AssignmentEvent.id)))


def visible_assignment(session: Session, viewer: User, assignment_id: int) -> Assignment:
    """An assignment as its employee, or anyone who may see that employee, may read it."""
    assignment = session.get(Assignment, assignment_id)
    employee = session.get(Employee, assignment.employee_id) if assignment else None
    if assignment is None or employee is None or not can_view_employee(session, viewer, employee):
        # The same answer for missing and out of scope: an id says nothing about who exists.
        raise NotFound(f"No assignment with id {assignment_id}.")
    return assignment


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    action: str
    due_on: dt.date | None
    reason: str
    by: str


def histories(session: Session, assignment_ids: list[int]) -> dict[int, list[HistoryLine]]:
    """Every listed assignment's history, oldest first, with who acted: one query for a whole plan."""
    if not assignment_ids:
        return {}
    rows = session.execute(
        select(AssignmentEvent, User.name)
        .outerjoin(User, User.id == AssignmentEvent.actor_user_id)
        .where(AssignmentEvent.assignment_id.in_(assignment_ids))
        .order_by(AssignmentEvent.at, AssignmentEvent.id)
    )
    result: dict[int, list[HistoryLine]] = {}
    for event, name in rows:
        line = HistoryLine(event.at, event.action, event.due_on, event.reason, name or "a former user")
        result.setdefault(event.assignment_id, []).append(line)
    return result
