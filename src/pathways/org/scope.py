"""People and scope: load an employee and decide whether a user may see them, in one place for every domain.

The rule itself is auth.permissions.can_view_employee (the matrix in tests/auth reads it there); the
reporting line is its one recursive query, permissions.reports_of. Routes ask here instead of pairing a load
with a check.
Not found is a 404 before anything else; found but out of scope is a 403.
"""

from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.auth.permissions import OUT_OF_SCOPE, can_view_employee, ensure, reports_of
from pathways.deps import DbSession
from pathways.errors import BadRequest, NotFound
from pathways.org.models import Employee
from pathways.routing import RowId


def get_employee(session: Session, employee_id: int) -> Employee:
    """The employee with what their pages show of them (role, site, manager), in one statement."""
    employee = session.scalar(
        select(Employee)
        .where(Employee.id == employee_id)
        .options(joinedload(Employee.role), joinedload(Employee.site), joinedload(Employee.manager))
    )
    if employee is None:
        raise NotFound(f"No employee with id {employee_id}.")
    return employee


def may_see(session: Session, user: User, employee: Employee) -> bool:
    return can_view_employee(session, user, employee)


def visible_employee(
    session: Session, user: User, employee_id: int, out_of_scope: str = OUT_OF_SCOPE
) -> Employee:
    employee = get_employee(session, employee_id)
    ensure(may_see(session, user, employee), out_of_scope)
    return employee


def own_employee(session: Session, user: User, not_linked: str) -> Employee:
    """The user's own record; `not_linked` says what an account without one cannot have."""
    if user.employee_id is None:
        raise BadRequest(not_linked)
    return get_employee(session, user.employee_id)


def me_or_named(session: Session, user: User, employee_id: int | None, not_linked: str) -> Employee:
    """The named employee if the user may see them, else (none named) the user's own record."""
    if employee_id is None:
        return own_employee(session, user, not_linked)
    return visible_employee(session, user, employee_id)


def report_ids(session: Session, manager_id: int) -> list[int]:
    """Everyone reporting to a manager, directly or not, run once. A reporting line is a recursive query
    whose size PostgreSQL cannot estimate (it guesses a million rows), so any query joining it gets a plan
    that walks every employee; the ids themselves, a few hundred, plan well everywhere."""
    return list(session.scalars(reports_of(manager_id)))


def employee_in_scope(session: DbSession, user: CurrentUser, employee_id: RowId) -> Employee:
    return visible_employee(session, user, employee_id)


# A route with an {employee_id} path parameter takes `employee: InScope`: loaded, 404, then 403.
InScope = Annotated[Employee, Depends(employee_in_scope)]
