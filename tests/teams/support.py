"""Helpers for the teams tests: the demo people by name, extra synthetic staff."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.careers.models import Role
from pathways.org.models import Employee

TODAY = dt.date.today()


def user(session: Session, who: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def person(session: Session, who: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def role_id(session: Session, code: str) -> int:
    found = session.scalar(select(Role.id).where(Role.code == code))
    assert found is not None, code
    return found


def hire(
    session: Session, manager: Employee, count: int, role: str = "psr-2", prefix: str = "extra"
) -> list[Employee]:
    """Synthetic staff at the manager's site, reporting to them."""
    people = [
        Employee(
            employee_number=f"X{prefix[:3].upper()}{n:04d}",
            name=f"Test {prefix.title()} {n:03d}",
            email=f"{prefix}{n}@test.pathways.example",
            role_id=role_id(session, role),
            site_id=manager.site_id,
            manager_id=manager.id,
            hire_date=TODAY - dt.timedelta(days=900),
            role_since=TODAY - dt.timedelta(days=400),
        )
        for n in range(count)
    ]
    session.add_all(people)
    session.flush()
    return people


def account(session: Session, employee: Employee, role: AccountRole) -> User:
    made = User(email=employee.email, name=employee.name, account_role=role.value, employee_id=employee.id)
    session.add(made)
    session.flush()
    return made
