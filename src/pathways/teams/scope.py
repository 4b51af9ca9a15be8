"""Whose rows the team pages show: decided from the viewer's account and, for some, a chosen manager."""

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.auth.permissions import (
    analytics_employee_ids,
    can_open_team,
    can_see_team_of,
    ensure,
    is_admin,
    visible_employee_ids,
)
from pathways.org.models import Employee
from pathways.org.scope import get_employee, report_ids

TEAM_VIEWERS_ONLY = "The team pages are for supervisors, site leads, trainers and administrators."
DESCRIPTIONS = {
    AccountRole.SUPERVISOR: "your reports, direct and indirect",
    AccountRole.SITE_LEAD: "the people at your site",
    AccountRole.TRAINER: "the people in your region",
}


Ids = Select[int] | list[int]


@dataclass(frozen=True)
class TeamScope:
    ids: Ids
    description: str
    manager: Employee | None  # when the scope is one manager's reports
    # Career trackers and conversations belong to a person and their reporting line: a site lead's or a
    # trainer's team page leaves them out (issue 15, privacy).
    shows_trackers: bool = True


def team_of(session: Session, user: User, manager_id: int) -> TeamScope:
    manager = get_employee(session, manager_id)
    ensure(
        can_see_team_of(session, user, manager),
        "You can see your own team and the teams of managers who report to you.",
    )
    return TeamScope(
        report_ids(session, manager.id), f"the reports of {manager.name}, direct and indirect", manager
    )


def team_scope(session: Session, user: User, manager_id: int | None = None) -> TeamScope:
    ensure(can_open_team(user), TEAM_VIEWERS_ONLY)
    if manager_id is not None:
        return team_of(session, user, manager_id)
    if is_admin(user):
        return TeamScope(select(Employee.id), "everyone in the organisation", None)
    own = user.employee_id
    role = AccountRole(user.account_role)
    if role == AccountRole.SUPERVISOR and own is not None:
        return TeamScope(report_ids(session, own), DESCRIPTIONS[role], None)
    ids = visible_employee_ids(user)
    if own is not None:  # the viewer's own record is on their own pages, not in the team
        ids = ids.where(Employee.id != own)
    return TeamScope(ids, DESCRIPTIONS.get(role, "your scope"), None, shows_trackers=False)


def analytics_ids(session: Session, user: User) -> Ids:
    """permissions.analytics_employee_ids, run once unless it is everyone (org.scope.report_ids says why)."""
    ids = analytics_employee_ids(session, user)
    return ids if is_admin(user) else list(session.scalars(ids))


def visible_ids(session: Session, user: User) -> Ids:
    """permissions.visible_employee_ids, a supervisor's reporting line run once (org.scope.report_ids)."""
    if AccountRole(user.account_role) == AccountRole.SUPERVISOR and user.employee_id is not None:
        return [user.employee_id, *report_ids(session, user.employee_id)]
    return visible_employee_ids(user)
