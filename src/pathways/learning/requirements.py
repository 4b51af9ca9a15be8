"""What each employee must take, and how far they are: the rules behind the plan, the compliance view and
the reminders.

Required courses are those of the employee's current role plus open or waived assignments. Role requirements
are computed here at read time rather than copied into rows: a promotion or a change to a role's course list
then takes effect at once, with no sync job and nothing stale to clean up. Everything is computed for any set
of employees (one person, a team, the whole organisation) in a fixed number of queries.

Recertification: a course with a validity period (courses.valid_for_months) counts as completed only until
its latest completion expires. From the expiry date it is "expired", open again and due on that date, so it
turns overdue the day after, exactly like a course never taken.
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, select, tuple_, union
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload
from sqlalchemy.sql.selectable import Subquery

from pathways.careers.models import role_required_courses
from pathways.learning.models import Assignment, Completion, CompletionClaim, Course, CourseStart
from pathways.org.models import Employee

# A role's required courses are due this long after the employee started the role (onboarding window).
ROLE_DUE_DAYS = 90
DUE_SOON_DAYS = 14
NOT_STARTED, IN_PROGRESS, COMPLETED, WAIVED = "not started", "in progress", "completed", "waived"
EXPIRED = "expired"  # completed once, but the completion is past its validity: due again
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, WAIVED, EXPIRED)
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS, EXPIRED)

Key = tuple[int, int]  # (employee id, course id)
EmployeeIds = Select[int] | Iterable[int]
Where = ColumnElement[bool]


@dataclass
class Facts:
    """What happened per (employee, course): the latest completion, a start, a mark awaiting confirmation."""

    completions: dict[Key, tuple[dt.date, int | None]] = field(default_factory=dict)
    started: set[Key] = field(default_factory=set)
    awaiting: set[Key] = field(default_factory=set)
    valid_for_months: dict[int, int] = field(default_factory=dict)  # course id -> months, where it expires


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day when it is shorter: a completion on
    31 January valid for one month expires on 28 (or 29) February, one on 29 February valid for a year on
    28 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


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
    expires_on: dt.date | None = None  # when the latest completion stops counting (recertification)

    @property
    def key(self) -> Key:
        return (self.employee_id, self.course_id)

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, today: dt.date) -> bool:
        return self.is_open() and self.due_on < today

    def expires_soon(self, today: dt.date) -> bool:
        """Completed, but the completion expires within the due-soon window: time to retake it."""
        return self.status == COMPLETED and self.expires_on is not None and _soon(self.expires_on, today)

    def due_soon(self, today: dt.date) -> bool:
        return (self.is_open() and _soon(self.due_on, today)) or self.expires_soon(today)

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_on).days if self.overdue(today) else 0


def _soon(day: dt.date, today: dt.date) -> bool:
    return today <= day <= today + dt.timedelta(days=DUE_SOON_DAYS)


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
        select(
            Completion.employee_id,
            Completion.course_id,
            Completion.completed_at,
            Completion.score,
            Course.valid_for_months,
        )
        .join(Course, Course.id == Completion.course_id)
        .where(narrowed(Completion.employee_id, Completion.course_id))
        .order_by(Completion.completed_at, Completion.id)
    )
    for employee_id, course_id, completed_at, score, months in session.execute(done):
        facts.completions[(employee_id, course_id)] = (completed_at, score)  # later rows win: latest
        if months is not None:
            facts.valid_for_months[course_id] = months
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


def retake_due(row: Required, expires_on: dt.date) -> dt.date:
    """A retake is due when the completion expires; a later due date on an open assignment is a supervisor's
    extension of the retake, so it wins."""
    if row.assignment is not None and row.assignment.state == "open":
        return max(expires_on, row.assignment.due_on)
    return expires_on


def apply_facts(rows: Iterable[Required], facts: Facts, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    for row in rows:
        completion = facts.completions.get(row.key)
        waived = row.assignment is not None and row.assignment.state == "waived"
        started = row.key in facts.started or row.key in facts.awaiting
        row.completed_on, row.score = completion if completion else (None, None)
        months = facts.valid_for_months.get(row.course_id)
        expired = False
        if completion is not None and months is not None:
            row.expires_on = add_months(completion[0], months)
            row.due_on = retake_due(row, row.expires_on)
            expired = row.expires_on <= today
        if expired and not waived:
            row.status = EXPIRED
        else:
            row.status = status_from(
                completed=completion is not None and not expired, waived=waived, started=started
            )
        row.awaiting_confirmation = row.status != COMPLETED and row.key in facts.awaiting


def required_with_status(session: Session, ids: EmployeeIds, today: dt.date | None = None) -> list[Required]:
    rows = load_required(session, ids)
    apply_facts(rows, load_facts(session, ids, required_pairs(ids)), today)
    return rows
