"""Who may do what: decided here and nowhere else, and tested as a matrix in tests/auth.

Scope follows the organisation: an employee sees themselves; a supervisor their reports, direct and indirect;
a site lead the people at their site; a trainer the people in their region; an admin everyone.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.errors import Forbidden
from pathways.org.models import Employee, Site

# Deep enough for any real reporting line; a cycle in bad data must not loop forever.
MAX_REPORTING_DEPTH = 12


def is_admin(user: User) -> bool:
    return user.account_role == AccountRole.ADMIN


def reports_to(session: Session, employee: Employee, manager_id: int) -> bool:
    current = employee.manager_id
    for _ in range(MAX_REPORTING_DEPTH):
        if current is None:
            return False
        if current == manager_id:
            return True
        current = session.scalar(select(Employee.manager_id).where(Employee.id == current))
    return False


def _region_of(session: Session, site_id: int) -> int | None:
    return session.scalar(select(Site.region_id).where(Site.id == site_id))


def can_view_employee(session: Session, user: User, employee: Employee) -> bool:
    """May see this person's learning, plans and readiness (not necessarily change them)."""
    if is_admin(user) or user.employee_id == employee.id:
        return True
    if user.employee_id is None:
        return False
    own = session.get(Employee, user.employee_id)
    if own is None:
        return False
    role = AccountRole(user.account_role)
    if role == AccountRole.SUPERVISOR:
        return reports_to(session, employee, own.id)
    if role == AccountRole.SITE_LEAD:
        return employee.site_id == own.site_id
    if role == AccountRole.TRAINER:
        return _region_of(session, employee.site_id) == _region_of(session, own.site_id)
    return False


def ensure(allowed: bool, message: str = "You do not have access to this page.") -> None:
    if not allowed:
        raise Forbidden(message)


def ensure_can_view_employee(session: Session, user: User, employee: Employee) -> None:
    ensure(can_view_employee(session, user, employee), "You can only see people in your own scope.")
