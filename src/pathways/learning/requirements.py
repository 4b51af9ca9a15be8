"""What each employee must take, and how far they are: the rules behind the plan, the compliance view and
the reminders.

Required courses are those of the employee's current role plus open or waived assignments. Role requirements
are computed here at read time rather than copied into rows: a promotion or a change to a role's course list
then takes effect at once, with no sync job and nothing stale to clean up. Everything is computed for any set
of employees (one person, a team, the whole organisation) in a fixed number of queries.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, select, tuple_, union
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload
from sqlalchemy.sql.selectable import Subquery

from pathways.careers.models import role_required_courses
from pathways.learning.models import Assignment, Completion, CompletionClaim, CourseStart
from pathways.org.models import Employee

# A role's required courses are due this long after the employee started the role (onboarding window).
ROLE_DUE_DAYS = 90
DUE_SOON_DAYS = 14
NOT_STARTED, IN_PROGRESS, COMPLETED, WAIVED = "not started", "in progress", "completed", "waived"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, WAIVED)
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS)

Key = tuple[int, int]  # (employee id, course id)
EmployeeIds = Select[int] | Iterable[int]
Where = ColumnElement[bool]


@dataclass
class Facts:
    """What happened per (employee, course): the latest completion, a start, a mark awaiting confirmation."""

    completions: dict[Key, tuple[dt.date, int | None]] = field(default_factory=dict)
    started: set[Key] = field(default_factory=set)
    awaiting: set[Key] = field(default_factory=set)


def status_from(*, completed: bool, waived: bool, started: bool) -> str:
    # A completion beats a waiver: the person did the course after all.
    if completed:
        return COMPLETED
    if waived:
        return WAIVED
    return IN_PROGRESS if started else NOT_STARTED


@dataclass
class Required:
    employee_id: int
    course_id: int
    by_role: bool
    assignment: Assignment | None
    due_on: dt.date
    status: str = NOT_STARTED
    completed_on: dt.date | None = None
    score: int | None = None
    awaiting_confirmation: bool = False

    @property
    def key(self) -> Key:
        return (self.employee_id, self.course_id)

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, today: dt.date) -> bool:
        return self.is_open() and self.due_on < today

    def due_soon(self, today: dt.date) -> bool:
        return self.is_open() and today <= self.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS)

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_on).days if self.overdue(today) else 0


def _in(ids: EmployeeIds) -> Select[int] | list[int]:
    return ids if isinstance(ids, Select) else list(ids)


def _role_rows(ids: EmployeeIds) -> Select[int, int, dt.date]:
    return (
        select(Employee.id, role_required_courses.c.course_id, Employee.role_since)
        .join(role_required_courses, role_required_courses.c.role_id == Employee.role_id)
        .where(Employee.id.in_(_in(ids)))
    )


def required_pairs(ids: EmployeeIds) -> Subquery:
    """(employee_id, course_id) of every required course, as SQL, to narrow the facts to what matters."""
    by_role = select(Employee.id.label("employee_id"), role_required_courses.c.course_id).join(
        role_required_courses, role_required_courses.c.role_id == Employee.role_id
    )
    assigned = select(Assignment.employee_id, Assignment.course_id).where(Assignment.state != "cancelled")
    return union(
        by_role.where(Employee.id.in_(_in(ids))), assigned.where(Assignment.employee_id.in_(_in(ids)))
    ).subquery("required_pairs")


def load_facts(session: Session, ids: EmployeeIds, pairs: Subquery | None = None) -> Facts:
    """Facts for the given employees, limited to `pairs` when given (a team's required courses)."""
    facts = Facts()

    def narrowed(employee_col: InstrumentedAttribute[int], course_col: InstrumentedAttribute[int]) -> Where:
        if pairs is None:
            return employee_col.in_(_in(ids))
        return tuple_(employee_col, course_col).in_(select(pairs.c.employee_id, pairs.c.course_id))

    done = (
        select(Completion.employee_id, Completion.course_id, Completion.completed_at, Completion.score)
        .where(narrowed(Completion.employee_id, Completion.course_id))
        .order_by(Completion.completed_at, Completion.id)
    )
    for employee_id, course_id, completed_at, score in session.execute(done):
        facts.completions[(employee_id, course_id)] = (completed_at, score)  # later rows win: latest
    starts = select(CourseStart.employee_id, CourseStart.course_id).where(
        narrowed(CourseStart.employee_id, CourseStart.course_id)
    )
    facts.started = {(e, c) for e, c in session.execute(starts)}
    claims = select(CompletionClaim.employee_id, CompletionClaim.course_id).where(
        CompletionClaim.state == "pending", narrowed(CompletionClaim.employee_id, CompletionClaim.course_id)
    )
    facts.awaiting = {(e, c) for e, c in session.execute(claims)}
    return facts


def load_required(session: Session, ids: EmployeeIds) -> list[Required]:
    """Role requirements and (non-cancelled) assignments, merged per person and course, without status."""
    merged: dict[Key, Required] = {}
    for employee_id, course_id, role_since in session.execute(_role_rows(ids)):
        due = role_since + dt.timedelta(days=ROLE_DUE_DAYS)
        merged[(employee_id, course_id)] = Required(employee_id, course_id, True, None, due)
    assignments = session.scalars(
        select(Assignment)
        .where(Assignment.employee_id.in_(_in(ids)), Assignment.state != "cancelled")
        .options(selectinload(Assignment.assigned_by))
    )
    for assignment in assignments:
        key = (assignment.employee_id, assignment.course_id)
        # An explicit due date is a person's decision (for instance an extension), so it beats the role's.
        row = merged.get(key) or Required(key[0], key[1], False, None, assignment.due_on)
        row.assignment = assignment
        row.due_on = assignment.due_on
        merged[key] = row
    return list(merged.values())


def apply_facts(rows: Iterable[Required], facts: Facts) -> None:
    for row in rows:
        completion = facts.completions.get(row.key)
        waived = row.assignment is not None and row.assignment.state == "waived"
        row.status = status_from(
            completed=completion is not None,
            waived=waived,
            started=row.key in facts.started or row.key in facts.awaiting,
        )
        row.completed_on, row.score = completion if completion else (None, None)
        row.awaiting_confirmation = row.status != COMPLETED and row.key in facts.awaiting


def required_with_status(session: Session, ids: EmployeeIds) -> list[Required]:
    rows = load_required(session, ids)
    apply_facts(rows, load_facts(session, ids, required_pairs(ids)))
    return rows
