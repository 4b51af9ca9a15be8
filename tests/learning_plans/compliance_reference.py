"""The plain definition of the team compliance view, as it was written before the rows moved into SQL: the
required rows of the whole scope worked out in Python (requirements.required_with_status), filtered and sorted
there. The tests hold pathways.learning.compliance equal to it on small data sets."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways.auth.models import User
from pathways.auth.permissions import can_oversee_learning, ensure, visible_employee_ids
from pathways.csvfile import csv_text
from pathways.learning import requirements as rules
from pathways.learning.compliance import OVERSEERS_ONLY, SORTS, ComplianceRow
from pathways.learning.models import Course
from pathways.org.models import Employee

ID_LIST_LIMIT = 500


def _shown(row: rules.Required, show: str, today: dt.date) -> bool:
    if show == "overdue":
        return row.overdue(today)
    if show == "due-soon":
        return row.due_soon(today)
    return row.is_open()


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
