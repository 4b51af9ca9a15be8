"""HR feed files for the tests, built from the demo organisation so that rows can be unchanged or changed."""

import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.careers.models import Role
from pathways.org.models import Employee, Region, Site
from pathways.org.people import COLUMNS
from pathways.org.people_import import PeopleReport, run_import

TODAY = dt.date.today()
HEADER = ",".join(COLUMNS)


def person(session: Session, who: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def account(session: Session, who: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def row_of(session: Session, employee: Employee, **change: str) -> str:
    """The employee as the HR feed would list them today, with `change` applied."""
    role = session.scalar(select(Role.code).where(Role.id == employee.role_id))
    site, region = session.execute(
        select(Site.code, Region.code)
        .join(Region, Region.id == Site.region_id)
        .where(Site.id == employee.site_id)
    ).one()
    manager = (
        session.scalar(select(Employee.employee_number).where(Employee.id == employee.manager_id))
        if employee.manager_id
        else ""
    )
    values = {
        "employee_number": employee.employee_number, "email": employee.email, "name": employee.name,
        "job_role": role, "site": site, "region": region, "manager_number": manager,
        "hired_on": employee.hire_date.isoformat(), "status": employee.status,
    }  # fmt: skip
    values.update(change)
    return ",".join(str(values[name]) for name in COLUMNS)


def new_row(number: str, manager: str = "", **change: str) -> str:
    values = {
        "employee_number": number, "email": f"{number.lower()}@hr.example", "name": f"Person {number}",
        "job_role": "psr-1", "site": "NV-PSC-01", "region": "north-valley", "manager_number": manager,
        "hired_on": (TODAY - dt.timedelta(days=30)).isoformat(), "status": "active",
    }  # fmt: skip
    values.update(change)
    return ",".join(values[name] for name in COLUMNS)


def feed(*rows: str) -> bytes:
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode()


def run(
    session: Session, data: bytes, *, dry_run: bool = False, deactivate_missing: bool = False
) -> PeopleReport:
    report = run_import(
        session, io.BytesIO(data), today=TODAY, dry_run=dry_run, deactivate_missing=deactivate_missing
    )
    session.flush()
    session.expire_all()
    return report
