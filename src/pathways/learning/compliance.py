"""The team compliance view: who in the viewer's scope is overdue (or still open) on which required course.

The page, its CSV and GET /api/v1/compliance share the scope, filters and sorting here; the page and the API
show one page of rows at a time (a regional manager's scope holds thousands), the CSV every row.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways.auth.models import User
from pathways.auth.permissions import can_oversee_learning, ensure, visible_employee_ids
from pathways.csvfile import csv_text
from pathways.errors import AppError, shown
from pathways.learning import requirements as rules
from pathways.learning.models import Course
from pathways.org.models import Employee

SHOW = {
    "overdue": "Overdue only",
    "due-soon": f"Due, or expiring, within {rules.DUE_SOON_DAYS} days",
    "open": "Everything not yet completed",
}
PAGE_SIZE = 100  # rows per page on /learning/team, and the API's default limit
MAX_LIMIT = 500
# Past this many people, load them through the scope subquery rather than a list of ids (parameter limits).
ID_LIST_LIMIT = 500
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


def paginate(rows: list[ComplianceRow], limit: int, offset: int) -> CompliancePage:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit must be from 1 to {MAX_LIMIT}; got {limit}.")
    if offset < 0:
        raise InvalidQuery(f"offset must be 0 or more; got {offset}.")
    return CompliancePage(rows[offset : offset + limit], len(rows), limit, offset)


def page_of(rows: list[ComplianceRow], page: int) -> CompliancePage:
    """Page `page` (from 1) of PAGE_SIZE rows; a page past the end shows the last one."""
    last = max(1, -(-len(rows) // PAGE_SIZE))
    return paginate(rows, PAGE_SIZE, (min(page, last) - 1) * PAGE_SIZE)


def _shown(row: rules.Required, show: str, today: dt.date) -> bool:
    if show == "overdue":
        return row.overdue(today)
    if show == "due-soon":
        return row.due_soon(today)
    return row.is_open()


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


def team_compliance(
    session: Session, user: User, today: dt.date, *, show: str, sort: str, order: str
) -> list[ComplianceRow]:
    ensure(can_oversee_learning(user), OVERSEERS_ONLY)
    scope = visible_employee_ids(user)
    if user.employee_id is not None:  # the viewer's own plan is on /learning, not in their team's list
        scope = scope.where(Employee.id != user.employee_id)
    required = rules.required_with_status(session, scope, today)
    wanted = [row for row in required if _shown(row, show, today)]
    ids = {row.employee_id for row in wanted}
    among = Employee.id.in_(ids) if len(ids) <= ID_LIST_LIMIT else Employee.id.in_(scope)
    people = {
        e.id: e
        for e in session.scalars(
            select(Employee).where(among).options(joinedload(Employee.role), joinedload(Employee.site))
        )
    }
    courses = {c.id: c for c in session.scalars(select(Course))}  # the catalog: a few hundred rows at most
    rows = []
    for row in wanted:
        person, course = people[row.employee_id], courses[row.course_id]
        why = []
        if row.by_role:
            why.append(f"role ({person.role.name})")
        if row.assignment is not None:
            why.append(f"assigned: {row.assignment.reason}")
        rows.append(
            ComplianceRow(
                employee_id=person.id,
                employee=person.name,
                employee_number=person.employee_number,
                site=person.site.name,
                role=person.role.name,
                course_code=course.code,
                course_title=course.title,
                due_on=row.due_on,
                days_overdue=row.days_overdue(today),
                status=row.status,
                why="; ".join(why),
                expires_on=row.expires_on,
            )
        )
    rows.sort(key=SORTS[sort][1], reverse=order == "desc")
    return rows


def to_csv(rows: list[ComplianceRow]) -> str:
    header = ["employee", "employee_number", "site", "role", "course", "course_title", "due_on",
              "days_overdue", "status", "why", "expires_on"]  # fmt: skip
    return csv_text(header, (
        [r.employee, r.employee_number, r.site, r.role, r.course_code, r.course_title, r.due_on.isoformat(),
         r.days_overdue, r.status, r.why, r.expires_on.isoformat() if r.expires_on else ""]
        for r in rows
    ))  # fmt: skip
