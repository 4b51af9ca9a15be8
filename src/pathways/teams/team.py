"""The team page: one row per person in scope, built in a fixed number of queries however big the team.

Every fact comes from its owner's code: required-learning status from learning.requirements (the rules the
learning plan and compliance view use), readiness from the same sum trackers.gaps uses, levels by the rule
of competencies.evidence (levels_for_many, in bulk).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from pathways.careers.models import Role, RoleCompetency
from pathways.competencies.evidence import levels_for_many
from pathways.competencies.models import Competency
from pathways.errors import AppError, shown
from pathways.learning import requirements as rules
from pathways.org.models import Employee, Site
from pathways.teams.scope import TeamScope
from pathways.trackers.gaps import Readiness, months_between
from pathways.trackers.models import CareerTracker, TrackerConversation, TrackerCourse, TrackerGoal

MAX_ROWS = 1000
ORDERS = ("asc", "desc")


class InvalidTeamQuery(AppError):
    status_code = 422


@dataclass(frozen=True)
class TrackedRole:
    tracker_id: int
    code: str
    name: str
    readiness: int  # percent
    awaiting_review: bool


@dataclass(frozen=True)
class Conversation:
    tracker_id: int
    role_name: str
    kind: str  # requested | follow-up
    on: dt.date | None  # the follow-up date; None for a request not yet scheduled


@dataclass
class Member:
    id: int
    name: str
    employee_number: str
    role_code: str
    role_name: str
    site_code: str
    site_name: str
    manager_name: str
    role_since: dt.date
    months_in_role: int
    tracked: list[TrackedRole] = field(default_factory=list)
    overdue: int = 0
    open_required: int = 0
    conversations: list[Conversation] = field(default_factory=list)

    @property
    def awaiting_review(self) -> int:
        return sum(1 for t in self.tracked if t.awaiting_review)

    @property
    def best_readiness(self) -> int | None:
        return max((t.readiness for t in self.tracked), default=None)

    @property
    def next_conversation(self) -> Conversation | None:
        # Requests come first: someone asked and is waiting. Then follow-ups, soonest first.
        return min(
            self.conversations, key=lambda c: (c.kind != "requested", c.on or dt.date.min), default=None
        )


@dataclass(frozen=True)
class TeamQuery:
    site: str | None = None
    role: str | None = None
    q: str | None = None
    only: str | None = None  # overdue | review | conversation
    sort: str = "name"
    order: str = "asc"


@dataclass
class TeamPage:
    scope: TeamScope
    query: TeamQuery
    total: int  # people in scope matching the filters, counted up to MAX_ROWS + 1
    members: list[Member]
    too_many: bool


ONLY = {
    "overdue": "Overdue on required learning",
    "review": "Trackers awaiting review",
    "conversation": "Conversations coming up",
}
SORTS: dict[str, tuple[str, Callable[[Member], Any]]] = {
    "name": ("Name", lambda m: (m.name, m.id)),
    "role": ("Role", lambda m: (m.role_name, m.name)),
    "site": ("Site", lambda m: (m.site_name, m.name)),
    "time": ("Time in role", lambda m: (m.months_in_role, m.name)),
    "readiness": ("Readiness", lambda m: (m.best_readiness is None, m.best_readiness or 0, m.name)),
    "overdue": ("Overdue", lambda m: (m.overdue, m.name)),
    "review": ("Awaiting review", lambda m: (m.awaiting_review, m.name)),
    "conversation": (
        "Next conversation",
        lambda m: (
            m.next_conversation is None,
            (m.next_conversation.on if m.next_conversation else None) or dt.date.min,
            m.name,
        ),
    ),
}


def parse_query(
    site: str | None, role: str | None, q: str | None, only: str | None, sort: str | None, order: str | None
) -> TeamQuery:
    sort = sort or "name"
    order = order or "asc"
    if sort not in SORTS:
        raise InvalidTeamQuery(f"Unknown sort {shown(sort)}. Choose one of: {', '.join(SORTS)}.")
    if order not in ORDERS:
        raise InvalidTeamQuery(f"Unknown order {shown(order)}. Choose asc or desc.")
    if only and only not in ONLY:
        raise InvalidTeamQuery(f"Unknown filter only={shown(only)}. Choose one of: {', '.join(ONLY)}.")
    return TeamQuery(
        site=(site or "").strip() or None,
        role=(role or "").strip() or None,
        q=" ".join((q or "").split()) or None,
        only=only or None,
        sort=sort,
        order=order,
    )


def _filtered(scope: TeamScope, query: TeamQuery) -> Any:
    people = select(Employee.id).where(Employee.id.in_(scope.ids))
    if query.site:
        people = people.where(Employee.site_id.in_(select(Site.id).where(Site.code == query.site)))
    if query.role:
        people = people.where(Employee.role_id.in_(select(Role.id).where(Role.code == query.role)))
    if query.q:
        pattern = "%" + query.q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        people = people.where(
            or_(func.lower(Employee.name).like(pattern), Employee.employee_number == query.q)
        )
    return people


def _members(session: Session, ids: list[int], today: dt.date) -> dict[int, Member]:
    manager = aliased(Employee)
    rows = session.execute(
        select(
            Employee.id,
            Employee.name,
            Employee.employee_number,
            Role.code,
            Role.name,
            Site.code,
            Site.name,
            manager.name,
            Employee.role_since,
        )
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id)
        .outerjoin(manager, manager.id == Employee.manager_id)
        .where(Employee.id.in_(ids))
    )
    members = {}
    for eid, name, number, role_code, role_name, site_code, site_name, manager_name, since in rows:
        members[eid] = Member(
            eid,
            name,
            number,
            role_code,
            role_name,
            site_code,
            site_name,
            manager_name or "",
            since,
            months_between(since, today),
        )
    return members


def _trackers(session: Session, members: dict[int, Member]) -> None:
    has_plan = or_(
        exists().where(TrackerCourse.tracker_id == CareerTracker.id),
        exists().where(TrackerGoal.tracker_id == CareerTracker.id),
    )
    rows = session.execute(
        select(
            CareerTracker.id,
            CareerTracker.employee_id,
            CareerTracker.role_id,
            Role.code,
            Role.name,
            CareerTracker.revision,
            CareerTracker.approved_revision,
            has_plan,
        )
        .join(Role, Role.id == CareerTracker.role_id)
        .where(CareerTracker.employee_id.in_(list(members)))
        .order_by(CareerTracker.employee_id, Role.position)
    ).all()
    role_ids = {row[2] for row in rows}
    requirements: dict[int, list[tuple[str, int]]] = {}
    for role_id, code, level in session.execute(
        select(RoleCompetency.role_id, Competency.code, RoleCompetency.level)
        .join(Competency, Competency.id == RoleCompetency.competency_id)
        .where(RoleCompetency.role_id.in_(role_ids))
    ):
        requirements.setdefault(role_id, []).append((code, level))
    codes = {code for needs in requirements.values() for code, _ in needs}
    levels = levels_for_many(session, {row[1] for row in rows}, codes)
    for tracker_id, employee_id, role_id, code, name, revision, approved, planned in rows:
        mine = {c: current.level for c, current in levels.get(employee_id, {}).items()}
        needs = requirements.get(role_id, [])
        readiness = Readiness(
            reached=sum(min(mine.get(c, 0), level) for c, level in needs),
            required=sum(level for _, level in needs),
            met=sum(1 for c, level in needs if mine.get(c, 0) >= level),
            count=len(needs),
        )
        awaiting = bool(planned) and approved != revision
        members[employee_id].tracked.append(TrackedRole(tracker_id, code, name, readiness.percent, awaiting))


def _conversations(session: Session, members: dict[int, Member], today: dt.date) -> None:
    rows = session.execute(
        select(
            TrackerConversation.tracker_id,
            CareerTracker.employee_id,
            Role.name,
            TrackerConversation.status,
            TrackerConversation.follow_up_on,
        )
        .join(CareerTracker, CareerTracker.id == TrackerConversation.tracker_id)
        .join(Role, Role.id == CareerTracker.role_id)
        .where(CareerTracker.employee_id.in_(list(members)))
        .where(or_(TrackerConversation.status == "requested", TrackerConversation.follow_up_on >= today))
    )
    for tracker_id, employee_id, role_name, status, follow_up in rows:
        kind = "requested" if status == "requested" else "follow-up"
        on = None if kind == "requested" else follow_up
        members[employee_id].conversations.append(Conversation(tracker_id, role_name, kind, on))


def _required_learning(session: Session, members: dict[int, Member], today: dt.date) -> None:
    for row in rules.required_with_status(session, list(members)):
        member = members[row.employee_id]
        member.overdue += row.overdue(today)
        member.open_required += row.is_open()


def _keep(member: Member, only: str | None) -> bool:
    if only == "overdue":
        return member.overdue > 0
    if only == "review":
        return member.awaiting_review > 0
    if only == "conversation":
        return bool(member.conversations)
    return True


def build_team(session: Session, scope: TeamScope, query: TeamQuery, today: dt.date) -> TeamPage:
    people = list(session.scalars(_filtered(scope, query).limit(MAX_ROWS + 1)))
    if len(people) > MAX_ROWS:
        return TeamPage(scope, query, len(people), [], too_many=True)
    members = _members(session, people, today)
    if scope.shows_trackers:
        _trackers(session, members)
        _conversations(session, members, today)
    _required_learning(session, members, today)
    kept = [m for m in members.values() if _keep(m, query.only)]
    kept.sort(key=SORTS[query.sort][1], reverse=query.order == "desc")
    return TeamPage(scope, query, len(people), kept, too_many=False)
