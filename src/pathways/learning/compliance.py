"""The team compliance view: who in the viewer's scope is overdue (or still open) on which required course.

The page, its CSV and GET /api/v1/compliance share the scope, filters and sorting here; the page and the API
show one page of rows at a time (a regional manager's scope holds thousands), counted and cut in the database;
the CSV streams every row, read in batches.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.selectable import Subquery

from pathways.auth.models import User
from pathways.auth.permissions import can_oversee_learning, ensure, visible_employee_ids
from pathways.careers.models import Role, role_required_courses
from pathways.csvfile import csv_text
from pathways.errors import AppError, shown
from pathways.learning import requirements as rules
from pathways.learning.models import Assignment, Completion, CompletionClaim, Course, CourseStart
from pathways.learning.sql_dates import add_months, plus_days
from pathways.org.models import Employee, Site

SHOW = {
    "overdue": "Overdue only",
    "due-soon": f"Due, or expiring, within {rules.DUE_SOON_DAYS} days",
    "open": "Everything not yet completed",
}
PAGE_SIZE = 100  # rows per page on /learning/team, and the API's default limit
MAX_LIMIT = 500
STREAM_BATCH = 1000  # rows the CSV reads from the database at a time
ORDERS = ("asc", "desc")
OVERSEERS_ONLY = "The team compliance view is for supervisors, site leads, trainers and administrators."


class InvalidQuery(AppError):
    status_code = 422


@dataclass(frozen=True)
class ComplianceRow:
    employee_id: int
    employee: str
    employee_number: str
    site: str
    role: str
    course_code: str
    course_title: str
    due_on: dt.date
    days_overdue: int
    status: str
    why: str
    expires_on: dt.date | None = None  # recertification: when the latest completion stops counting


@dataclass(frozen=True)
class CompliancePage:
    rows: list[ComplianceRow]
    total: int
    limit: int
    offset: int

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


def _checked(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit must be from 1 to {MAX_LIMIT}; got {limit}.")
    if offset < 0:
        raise InvalidQuery(f"offset must be 0 or more; got {offset}.")


SORTS: dict[str, tuple[str, Callable[[ComplianceRow], Any]]] = {
    "employee": ("Employee", lambda r: (r.employee, r.due_on, r.course_code)),
    "site": ("Site", lambda r: (r.site, r.employee, r.due_on)),
    "course": ("Course", lambda r: (r.course_code, r.employee)),
    "due": ("Due date", lambda r: (r.due_on, r.employee, r.course_code)),
    "overdue": ("Days overdue", lambda r: (r.days_overdue, r.employee, r.course_code)),
    "status": ("Status", lambda r: (r.status, r.due_on, r.employee)),
}


def parse_view(show: str | None, sort: str | None, order: str | None) -> tuple[str, str, str]:
    show, sort = show or "overdue", sort or "overdue"
    order = order or ("desc" if sort == "overdue" else "asc")
    if show not in SHOW:
        raise InvalidQuery(f"Unknown show {shown(show)}. Choose one of: {', '.join(SHOW)}.")
    if sort not in SORTS:
        raise InvalidQuery(f"Unknown sort {shown(sort)}. Choose one of: {', '.join(SORTS)}.")
    if order not in ORDERS:
        raise InvalidQuery(f"Unknown order {shown(order)}. Choose asc or desc.")
    return show, sort, order


# ---------------------------------------------------------------- the rows, worked out in SQL
# requirements.required_with_status is the definition (the learning plan uses it for one person); here
# the same rules run as one query, so that the database filters, counts, sorts and pages a region's 50,000
# rows and only one page of them reaches Python. tests/learning_plans/test_compliance_sql.py holds the two
# equal.


@dataclass(frozen=True)
class View:
    user: User
    today: dt.date
    show: str
    sort: str
    order: str


def _required(scope: Select[Any]) -> Subquery:
    """Every required (employee, course): the role's courses, each with its assignment when there is one,
    and assignments of courses the role does not require. Cancelled assignments do not count."""
    active = Assignment.state != "cancelled"
    by_role = (
        select(
            Employee.id.label("employee_id"),
            role_required_courses.c.course_id.label("course_id"),
            literal(1).label("by_role"),
            Assignment.id.label("assignment_id"),
            func.coalesce(Assignment.due_on, plus_days(Employee.role_since, rules.ROLE_DUE_DAYS)).label(
                "due"
            ),
        )
        .select_from(Employee)
        .join(role_required_courses, role_required_courses.c.role_id == Employee.role_id)
        .outerjoin(
            Assignment,
            and_(
                Assignment.employee_id == Employee.id,
                Assignment.course_id == role_required_courses.c.course_id,
                active,
            ),
        )
        .where(Employee.id.in_(scope))
    )
    assigned_only = (
        select(Assignment.employee_id, Assignment.course_id, literal(0), Assignment.id, Assignment.due_on)
        .join(Employee, Employee.id == Assignment.employee_id)
        .where(Assignment.employee_id.in_(scope), active)
        .where(
            ~exists().where(
                role_required_courses.c.role_id == Employee.role_id,
                role_required_courses.c.course_id == Assignment.course_id,
            )
        )
    )
    return union_all(by_role, assigned_only).subquery("required")


def _pair(model: Any, required: Subquery) -> ColumnElement[bool]:
    return and_(model.employee_id == required.c.employee_id, model.course_id == required.c.course_id)


def _statuses(scope: Select[Any], today: dt.date) -> Subquery:
    """The required rows with their due date, expiry and status as apply_facts decides them."""
    required = _required(scope)
    started = or_(
        exists().where(_pair(CourseStart, required)),
        exists().where(_pair(CompletionClaim, required), CompletionClaim.state == "pending"),
    )
    # Grouped, so that each row's facts are looked up once: SQLite would otherwise copy a correlated
    # subquery into every later expression that names its column, and run it as often.
    facts = (
        select(
            required,
            func.max(Completion.completed_at).label("completed_on"),
            Course.valid_for_months.label("months"),
            func.coalesce(Assignment.state, "").label("assignment_state"),
            Assignment.due_on.label("assigned_due"),
            case((started, 1), else_=0).label("started"),
        )
        .join(Course, Course.id == required.c.course_id)
        .outerjoin(Assignment, Assignment.id == required.c.assignment_id)
        .outerjoin(Completion, _pair(Completion, required))
        .group_by(*required.c, Course.valid_for_months, Assignment.state, Assignment.due_on)
        .subquery("facts")
    )
    expires = case(
        (and_(facts.c.completed_on.is_not(None), facts.c.months.is_not(None)),
         add_months(facts.c.completed_on, facts.c.months)),
        else_=null(),
    )  # fmt: skip
    timed = select(facts, expires.label("expires_on")).subquery("timed")
    expired = and_(timed.c.expires_on.is_not(None), timed.c.expires_on <= today)
    waived = timed.c.assignment_state == "waived"
    status = case(
        (and_(expired, ~waived), rules.EXPIRED),
        (and_(timed.c.completed_on.is_not(None), ~expired), rules.COMPLETED),
        (waived, rules.WAIVED),
        (timed.c.started == 1, rules.IN_PROGRESS),
        else_=rules.NOT_STARTED,
    )
    # A retake is due when the completion expires, or later when an open assignment extends it (retake_due).
    retake_due = case(
        (and_(timed.c.assignment_state == "open", timed.c.assigned_due > timed.c.expires_on),
         timed.c.assigned_due),
        else_=timed.c.expires_on,
    )  # fmt: skip
    due = case((timed.c.expires_on.is_not(None), retake_due), else_=timed.c.due)
    return select(timed, due.label("due_on"), status.label("status")).subquery("statuses")


def _wanted(rows: Subquery, show: str, today: dt.date) -> ColumnElement[bool]:
    is_open = rows.c.status.in_(rules.OPEN_STATUSES)
    if show == "overdue":
        return and_(is_open, rows.c.due_on < today)
    if show == "due-soon":
        soon = today + dt.timedelta(days=rules.DUE_SOON_DAYS)
        return or_(
            and_(is_open, rows.c.due_on >= today, rows.c.due_on <= soon),
            and_(rows.c.status == rules.COMPLETED, rows.c.expires_on >= today, rows.c.expires_on <= soon),
        )
    return is_open


def _scope(user: User) -> Select[Any]:
    scope = visible_employee_ids(user)
    if user.employee_id is not None:  # the viewer's own plan is on /learning, not in their team's list
        scope = scope.where(Employee.id != user.employee_id)
    return scope


def _matching(session: Session, view: View) -> Subquery:
    ensure(can_oversee_learning(view.user), OVERSEERS_ONLY)
    rows = _statuses(_scope(view.user), view.today)
    return select(rows).where(_wanted(rows, view.show, view.today)).subquery("matching")


def _ordered(session: Session, view: View, rows: Subquery) -> Select[Any]:
    """The page's columns in SORTS order, ties broken by employee id and course code in the same direction
    (Python's sort with reverse=True reverses every part of the key), names compared by code point as
    Python compares them, whatever the PostgreSQL database's collation."""
    postgres = session.get_bind().dialect.name == "postgresql"

    def text(column: Any) -> Any:
        return column.collate("C") if postgres else column

    overdue = and_(rows.c.status.in_(rules.OPEN_STATUSES), rows.c.due_on < view.today)
    # days_overdue = today - (due_on when overdue, else today): more days overdue is an earlier date.
    overdue_from = case((overdue, rows.c.due_on), else_=literal(view.today, Date))
    employee, site, code = text(Employee.name), text(Site.name), text(Course.code)
    keys = {
        "employee": [employee, rows.c.due_on, code],
        "site": [site, employee, rows.c.due_on],
        "course": [code, employee],
        "due": [rows.c.due_on, employee, code],
        "overdue": [overdue_from.desc(), employee, code],
        "status": [text(rows.c.status), rows.c.due_on, employee],
    }[view.sort] + [Employee.id, code]
    descending = view.order == "desc"

    def directed(key: Any) -> Any:
        if isinstance(key, UnaryExpression):  # already descending: the overdue date
            return key.element.asc() if descending else key
        return key.desc() if descending else key.asc()

    return (
        select(
            Employee.id,
            Employee.name,
            Employee.employee_number,
            Site.name,
            Role.name,
            Course.code,
            Course.title,
            rows.c.due_on,
            rows.c.status,
            rows.c.by_role,
            Assignment.reason,
            rows.c.expires_on,
        )
        .select_from(rows)
        .join(Employee, Employee.id == rows.c.employee_id)
        .join(Site, Site.id == Employee.site_id)
        .join(Role, Role.id == Employee.role_id)
        .join(Course, Course.id == rows.c.course_id)
        .outerjoin(Assignment, Assignment.id == rows.c.assignment_id)
        .order_by(*(directed(key) for key in keys))
    )


def _row(values: Any, today: dt.date) -> ComplianceRow:
    employee_id, name, number, site, role, code, title, due_on, status, by_role, reason, expires_on = values
    why = []
    if by_role:
        why.append(f"role ({role})")
    if reason is not None:
        why.append(f"assigned: {reason}")
    overdue = status in rules.OPEN_STATUSES and due_on < today
    return ComplianceRow(
        employee_id=employee_id,
        employee=name,
        employee_number=number,
        site=site,
        role=role,
        course_code=code,
        course_title=title,
        due_on=due_on,
        days_overdue=(today - due_on).days if overdue else 0,
        status=status,
        why="; ".join(why),
        expires_on=expires_on,
    )


def page(
    session: Session, user: User, today: dt.date, *, show: str, sort: str, order: str, limit: int, offset: int
) -> CompliancePage:
    """`limit` rows from `offset`, counted and cut in the database."""
    _checked(limit, offset)
    return _cut(session, View(user, today, show, sort, order), limit, offset, lambda _total: offset)


def page_number(
    session: Session, user: User, today: dt.date, *, show: str, sort: str, order: str, number: int
) -> CompliancePage:
    """Page `number` (from 1) of PAGE_SIZE rows; a page past the end shows the last one."""

    def last_page(total: int) -> int:
        return (min(number, max(1, -(-total // PAGE_SIZE))) - 1) * PAGE_SIZE

    view = View(user, today, show, sort, order)
    return _cut(session, view, PAGE_SIZE, (number - 1) * PAGE_SIZE, last_page)


def _cut(
    session: Session, view: View, limit: int, offset: int, offset_of: Callable[[int], int]
) -> CompliancePage:
    """One statement: the rows must all be worked out and sorted to cut a page, so the total comes with them
    (a window count). Only a page past the end, which has no rows to carry it, costs a count and, for the
    page, the last page's rows."""
    rows = _matching(session, view)
    query = _ordered(session, view, rows).add_columns(func.count().over())
    found = session.execute(query.limit(limit).offset(offset)).all()
    if found:
        total = found[0][-1]
    else:
        total = session.scalar(select(func.count()).select_from(rows)) or 0
        if offset_of(total) != offset:
            offset = offset_of(total)
            found = session.execute(query.limit(limit).offset(offset)).all()
    return CompliancePage([_row(values[:-1], view.today) for values in found], total, limit, offset)


def every_row(
    session: Session, user: User, today: dt.date, *, show: str, sort: str, order: str
) -> Iterator[ComplianceRow]:
    """Every row in order, read from the database in batches: memory stays flat however many there are."""
    view = View(user, today, show, sort, order)
    query = _ordered(session, view, _matching(session, view)).execution_options(yield_per=STREAM_BATCH)
    for values in session.execute(query):
        yield _row(values, today)


def team_compliance(
    session: Session, user: User, today: dt.date, *, show: str, sort: str, order: str
) -> list[ComplianceRow]:
    return list(every_row(session, user, today, show=show, sort=sort, order=order))


HEADER = ["employee", "employee_number", "site", "role", "course", "course_title", "due_on", "days_overdue",
          "status", "why", "expires_on"]  # fmt: skip


def csv_cells(rows: Iterable[ComplianceRow]) -> Iterator[list[object]]:
    for r in rows:
        yield [r.employee, r.employee_number, r.site, r.role, r.course_code, r.course_title,
               r.due_on.isoformat(), r.days_overdue, r.status, r.why,
               r.expires_on.isoformat() if r.expires_on else ""]  # fmt: skip


def to_csv(rows: Iterable[ComplianceRow]) -> str:
    return csv_text(HEADER, csv_cells(rows))
