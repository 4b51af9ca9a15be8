"""Who may do what: decided here and nowhere else, and tested as a matrix in tests/auth.

Scope follows the organisation: an employee sees themselves; a supervisor their reports, direct and indirect;
a site lead the people at their site; a trainer the people in their region; an admin everyone.
"""

from sqlalchemy import Select, false, literal, or_, select
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


def can_manage_employee(session: Session, user: User, employee: Employee) -> bool:
    """May act as this person's manager (comment on and approve plans, record conversations): a supervisor
    in their reporting line, direct or indirect, or an admin. Never the person themselves."""
    if is_admin(user):
        return user.employee_id != employee.id
    if user.employee_id is None or user.employee_id == employee.id:
        return False
    return AccountRole(user.account_role) == AccountRole.SUPERVISOR and reports_to(
        session, employee, user.employee_id
    )


# ---------------------------------------------------------------- learning plans (issue 3)
LEARNING_ASSIGNERS = (AccountRole.SUPERVISOR, AccountRole.TRAINER, AccountRole.ADMIN)
LEARNING_OVERSEERS = (AccountRole.SUPERVISOR, AccountRole.SITE_LEAD, AccountRole.TRAINER, AccountRole.ADMIN)


def can_assign_learning(user: User) -> bool:
    """May assign, move, cancel and waive required courses (within their scope): never site leads."""
    return user.account_role in LEARNING_ASSIGNERS


def can_oversee_learning(user: User) -> bool:
    """May open the team compliance view (for their scope)."""
    return user.account_role in LEARNING_OVERSEERS


def reports_of(manager_id: int) -> Select[int]:
    """Ids of everyone reporting to a manager, directly or not: one recursive query, depth-capped."""
    first = select(Employee.id, literal(1).label("depth")).where(Employee.manager_id == manager_id)
    chain = first.cte(recursive=True)  # anonymous: one statement may hold several chains
    chain = chain.union_all(
        select(Employee.id, chain.c.depth + 1)
        .join(chain, Employee.manager_id == chain.c.id)
        .where(chain.c.depth < MAX_REPORTING_DEPTH)
    )
    return select(chain.c.id)


def visible_employee_ids(user: User) -> Select[int]:
    """The bulk form of can_view_employee, as a subquery: the ids of everyone `user` may see."""
    if is_admin(user):
        return select(Employee.id)
    own = user.employee_id
    if own is None:
        return select(Employee.id).where(false())
    role = AccountRole(user.account_role)
    if role == AccountRole.SUPERVISOR:
        return select(Employee.id).where(or_(Employee.id == own, Employee.id.in_(reports_of(own))))
    if role == AccountRole.SITE_LEAD:
        own_site = select(Employee.site_id).where(Employee.id == own).scalar_subquery()
        return select(Employee.id).where(Employee.site_id == own_site)
    if role == AccountRole.TRAINER:
        own_region = (
            select(Site.region_id).join(Employee, Employee.site_id == Site.id).where(Employee.id == own)
        ).scalar_subquery()
        return select(Employee.id).join(Site, Site.id == Employee.site_id).where(Site.region_id == own_region)
    return select(Employee.id).where(Employee.id == own)


# ---------------------------------------------------------------- practice desk (issue 9)
def can_train(user: User) -> bool:
    """May build practice sets for a cohort and see their results: trainers and admins."""
    return user.account_role in (AccountRole.TRAINER, AccountRole.ADMIN)


def can_review_practice(session: Session, user: User, learner: Employee, set_owner_ids: set[int]) -> bool:
    """May see and replay a learner's practice attempts: the learner, an admin, or a trainer who built a set
    the learner is in (their cohort) and still has the learner in scope."""
    if is_admin(user) or user.employee_id == learner.id:
        return True
    return can_train(user) and user.id in set_owner_ids and can_view_employee(session, user, learner)
