"""The team compliance view: who in the viewer's scope is overdue (or still open) on which required course."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways.auth.models import User
from pathways.auth.permissions import can_oversee_learning, ensure, visible_employee_ids
from pathways.errors import AppError
from pathways.learning import requirements as rules
from pathways.learning.models import Course
from pathways.org.models import Employee

SHOW = {"overdue": "Overdue only", "open": "Everything not yet completed"}
ORDERS = ("asc", "desc")
OVERSEERS_ONLY = "The team compliance view is for supervisors, site leads, trainers and administrators."
# Spreadsheets read cells beginning with these as formulas: a leading apostrophe keeps them text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        raise InvalidQuery(f"Unknown show '{show}'. Choose one of: {', '.join(SHOW)}.")
    if sort not in SORTS:
        raise InvalidQuery(f"Unknown sort '{sort}'. Choose one of: {', '.join(SORTS)}.")
    if order not in ORDERS:
        raise InvalidQuery(f"Unknown order '{order}'. Choose asc or desc.")
    return show, sort, order


def team_compliance(
    session: Session, user: User, today: dt.date, *, show: str, sort: str, order: str
) -> list[ComplianceRow]:
    ensure(can_oversee_learning(user), OVERSEERS_ONLY)
    scope = visible_employee_ids(user)
    if user.employee_id is not None:  # the viewer's own plan is on /learning, not in their team's list
        scope = scope.where(Employee.id != user.employee_id)
    required = rules.required_with_status(session, scope)
    wanted = [row for row in required if (row.overdue(today) if show == "overdue" else row.is_open())]
    people = {
        e.id: e
        for e in session.scalars(
            select(Employee)
            .where(Employee.id.in_({row.employee_id for row in wanted}))
            .options(joinedload(Employee.role), joinedload(Employee.site))
        )
    }
    courses = {
        c.id: c for c in session.scalars(select(Course).where(Course.id.in_({r.course_id for r in wanted})))
    }
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
            )
        )
    rows.sort(key=SORTS[sort][1], reverse=order == "desc")
    return rows


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: list[ComplianceRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["employee", "employee_number", "site", "role", "course", "course_title", "due_on",
              "days_overdue", "status", "why"]  # fmt: skip
    writer.writerow(header)
    for r in rows:
        cells = [r.employee, r.employee_number, r.site, r.role, r.course_code, r.course_title,
                 r.due_on.isoformat(), r.days_overdue, r.status, r.why]  # fmt: skip
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()
