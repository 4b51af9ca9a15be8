"""Small pieces every teams route module shares."""

from typing import Annotated

from fastapi import Path, Query
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.auth.permissions import ensure_can_view_employee
from pathways.errors import BadRequest
from pathways.learning.plan_service import get_employee
from pathways.org.models import Employee
from pathways.teams.schemas import EmployeeRefOut

Code = Annotated[str, Path(max_length=64)]
ShortText = Annotated[str | None, Query(max_length=64)]


def visible_employee(session: Session, user: User, employee_id: int) -> Employee:
    employee = get_employee(session, employee_id)
    ensure_can_view_employee(session, user, employee)
    return employee


def ref(employee: Employee) -> EmployeeRefOut:
    return EmployeeRefOut(id=employee.id, name=employee.name)


def own_employee(session: Session, user: User, what: str) -> Employee:
    if user.employee_id is None:
        raise BadRequest(f"Your account is not linked to an employee record, so it has no {what} of its own.")
    return get_employee(session, user.employee_id)
