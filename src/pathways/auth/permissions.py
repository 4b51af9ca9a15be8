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
OUT_OF_SCOPE = "You can only see people in your own scope."


def is_admin(user: User) -> bool:
    return user.account_role == AccountRole.ADMIN


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


def reports_to(session: Session, employee: Employee, manager_id: int) -> bool:
    """Whether the employee is in the manager's reporting line: reports_of, asked about one person."""
    if employee.manager_id is None:
        return False
    if employee.manager_id == manager_id:  # a direct report, known without asking the database
        return True
    in_line = select(literal(True)).where(literal(employee.id).in_(reports_of(manager_id)))
    return session.scalar(in_line) is not None


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


def ensure_admin(user: User, message: str) -> None:
    """Administrators only: the admin pages, the LRS's admin side, moderation and imports."""
    ensure(is_admin(user), message)


def ensure_can_view_employee(session: Session, user: User, employee: Employee) -> None:
    ensure(can_view_employee(session, user, employee), OUT_OF_SCOPE)


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


def can_view_trackers(session: Session, user: User, employee: Employee) -> bool:
    """May see a person's career trackers and their conversations: the person, a supervisor in their
    reporting line, an admin. A tracker is a career conversation between a person and their reporting
    line, so a site lead (who sees onboarding and observations) and a trainer (who sees required training)
    do not."""
    return user.employee_id == employee.id or can_manage_employee(session, user, employee)


def can_read_tracker_notes(user: User, employee: Employee) -> bool:
    """A tracker's private notes are the employee's own: not their supervisor's, not an admin's."""
    return user.employee_id == employee.id


# ---------------------------------------------------------------- learning plans (issue 3)
LEARNING_ASSIGNERS = (AccountRole.SUPERVISOR, AccountRole.TRAINER, AccountRole.ADMIN)
LEARNING_OVERSEERS = (AccountRole.SUPERVISOR, AccountRole.SITE_LEAD, AccountRole.TRAINER, AccountRole.ADMIN)


def can_assign_learning(user: User) -> bool:
    """May assign, move, cancel and waive required courses (within their scope): never site leads."""
    return user.account_role in LEARNING_ASSIGNERS


def can_import_completions(user: User) -> bool:
    """May import an LMS completions file (browser, API): administrators."""
    return is_admin(user)


def can_oversee_learning(user: User) -> bool:
    """May open the team compliance view (for their scope)."""
    return user.account_role in LEARNING_OVERSEERS


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


def owns_practice_set(user: User, created_by_user_id: int | None) -> bool:
    """May change a practice set and see its results: the trainer who built it, or an admin."""
    return can_train(user) and (is_admin(user) or created_by_user_id == user.id)


def practice_set_owner_filter(user: User) -> int | None:
    """owns_practice_set for a list of sets: the creator whose sets the user may manage, None for every set
    (an admin). Ask can_train first: for anyone else the answer means nothing."""
    return None if is_admin(user) else user.id


def can_review_practice(session: Session, user: User, learner: Employee, set_owner_ids: set[int]) -> bool:
    """May see and replay a learner's practice attempts: the learner, an admin, or a trainer who built a set
    the learner is in (their cohort) and still has the learner in scope."""
    if is_admin(user) or user.employee_id == learner.id:
        return True
    return can_train(user) and user.id in set_owner_ids and can_view_employee(session, user, learner)


# ---------------------------------------------------------------- teams (issue 6)
TEAM_VIEWERS = (AccountRole.SUPERVISOR, AccountRole.SITE_LEAD, AccountRole.TRAINER, AccountRole.ADMIN)
REGIONAL_MANAGER_ROLE = "patient-access-manager"


def can_open_team(user: User) -> bool:
    """May open the team pages (each shows only the viewer's own scope)."""
    return user.account_role in TEAM_VIEWERS


def can_see_analytics(user: User) -> bool:
    """Bench strength and team analytics: supervisors (their team or region) and admins."""
    return user.account_role in (AccountRole.SUPERVISOR, AccountRole.ADMIN)


def can_see_ratings(session: Session, user: User, employee: Employee) -> bool:
    """Competency ratings stay between a person and their reporting line: the person, a supervisor above
    them, an admin. Never a site lead or a trainer, though both may see the person otherwise."""
    if is_admin(user) or user.employee_id == employee.id:
        return True
    return (
        user.employee_id is not None
        and AccountRole(user.account_role) == AccountRole.SUPERVISOR
        and reports_to(session, employee, user.employee_id)
    )


def can_coach(session: Session, user: User, employee: Employee) -> bool:
    """May write coaching observations and start or change an onboarding plan: the site lead of the
    person's site, a supervisor in their reporting line, an admin. Never about oneself."""
    if user.employee_id == employee.id:
        return False
    if is_admin(user):
        return True
    if user.employee_id is None:
        return False
    role = AccountRole(user.account_role)
    if role == AccountRole.SITE_LEAD:
        own_site = session.scalar(select(Employee.site_id).where(Employee.id == user.employee_id))
        return own_site == employee.site_id
    return role == AccountRole.SUPERVISOR and reports_to(session, employee, user.employee_id)


def can_sign_off_onboarding(session: Session, user: User, employee: Employee) -> bool:
    """Signing off an onboarding step is the site lead's call (admins may correct records)."""
    if user.employee_id == employee.id:
        return False
    if is_admin(user):
        return True
    if user.employee_id is None or AccountRole(user.account_role) != AccountRole.SITE_LEAD:
        return False
    return session.scalar(select(Employee.site_id).where(Employee.id == user.employee_id)) == employee.site_id


def sees_team_trackers(user: User) -> bool:
    """The trackers page lists a supervisor's reports' trackers (direct and indirect) under their own."""
    return user.employee_id is not None and user.account_role == AccountRole.SUPERVISOR


def can_see_team_of(session: Session, user: User, manager: Employee) -> bool:
    """May list a manager's reports: an admin, the manager, or a supervisor the manager reports to."""
    if is_admin(user):
        return True
    if user.employee_id is None or AccountRole(user.account_role) != AccountRole.SUPERVISOR:
        return False
    return manager.id == user.employee_id or reports_to(session, manager, user.employee_id)


def is_regional_manager(session: Session, user: User) -> bool:
    if user.employee_id is None or AccountRole(user.account_role) != AccountRole.SUPERVISOR:
        return False
    from pathways.careers.models import Role

    code = session.scalar(
        select(Role.code).join(Employee, Employee.role_id == Role.id).where(Employee.id == user.employee_id)
    )
    return code == REGIONAL_MANAGER_ROLE


def analytics_employee_ids(session: Session, user: User) -> Select[int]:
    """Whose data team analytics and bench strength cover: an admin everyone, a regional manager (a
    patient access manager) their region, a supervisor their reports. Others: refused."""
    ensure(can_see_analytics(user), "Team analytics are for supervisors and administrators.")
    if is_admin(user):
        return select(Employee.id)
    own = user.employee_id
    if own is None:
        return select(Employee.id).where(false())
    if is_regional_manager(session, user):
        own_region = (
            select(Site.region_id).join(Employee, Employee.site_id == Site.id).where(Employee.id == own)
        ).scalar_subquery()
        return select(Employee.id).join(Site, Site.id == Employee.site_id).where(Site.region_id == own_region)
    return select(Employee.id).where(Employee.id.in_(reports_of(own)))


# ---------------------------------------------------------------- what pages offer (issue 15)
class Abilities:
    """The rules above that need no one in particular, as pages ask them (`can.assign_learning`), so a page
    never offers an action its route would refuse. Rules about a given person stay with the route."""

    def __init__(self, user: User | None) -> None:
        self._user = user

    def _role(self, *roles: AccountRole) -> bool:
        return self._user is not None and self._user.account_role in roles

    @property
    def administer(self) -> bool:
        return self._user is not None and is_admin(self._user)

    @property
    def assign_learning(self) -> bool:
        return self._user is not None and can_assign_learning(self._user)

    @property
    def oversee_learning(self) -> bool:
        return self._user is not None and can_oversee_learning(self._user)

    @property
    def import_completions(self) -> bool:
        return self._user is not None and can_import_completions(self._user)

    @property
    def open_team(self) -> bool:
        return self._user is not None and can_open_team(self._user)

    @property
    def see_analytics(self) -> bool:
        return self._user is not None and can_see_analytics(self._user)

    @property
    def train(self) -> bool:
        return self._user is not None and can_train(self._user)
