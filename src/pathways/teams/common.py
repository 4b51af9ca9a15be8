"""Small pieces every teams route module shares."""

from typing import Annotated

from fastapi import Path, Query
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.org import scope
from pathways.org.models import Employee
from pathways.teams.schemas import EmployeeRefOut

Code = Annotated[str, Path(max_length=64)]
ShortText = Annotated[str | None, Query(max_length=64)]


def ref(employee: Employee) -> EmployeeRefOut:
    return EmployeeRefOut(id=employee.id, name=employee.name)


def own_employee(session: Session, user: User, what: str) -> Employee:
    not_linked = f"Your account is not linked to an employee record, so it has no {what} of its own."
    return scope.own_employee(session, user, not_linked)
