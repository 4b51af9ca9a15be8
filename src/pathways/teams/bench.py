"""Bench strength: for Site Lead, Float and Supervisor, who is ready now, within six months, or later.

Candidates are the people whose current role has a lattice move into the target role, and anyone tracking
the target role. Readiness is dated by teams.readiness: the exact planner when the candidates are few, the
estimate from gaps when they are many (the page says which). Everything is loaded in a fixed number of
queries, only for the candidates in scope.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pathways.careers.models import PathEdge, Role
from pathways.certifications import service as certifications
from pathways.competencies.evidence import Completed, completed_for_many, levels_for_many
from pathways.errors import AppError, NotFound, shown
from pathways.org.models import Employee, Region, Site
from pathways.plans import service as plans_service
from pathways.teams import readiness
from pathways.teams.scope import Ids
from pathways.trackers.gaps import months_between
from pathways.trackers.models import CareerTracker

BENCH_ROLES = ("psr-2-site-lead", "psr-2-float", "supervisor")
HORIZON = dt.timedelta(days=183)
METHODS = ("auto", "exact", "estimate")
EXACT_AUTO_LIMIT = 30  # candidate-role pairs the exact planner handles within a page view
EXACT_MAX = 300
MAX_CANDIDATES = 6000
BUCKETS = {"now": "Ready now", "soon": "Within 6 months", "later": "Later"}
METHOD_TEXT = {
    "exact": "Dated by the exact course planner for each candidate (3 learning hours a week).",
    "estimate": "Estimated from gaps: the cheapest course closing each gap, prerequisites included, at 3 "
    "learning hours a week. The exact planner is used when there are at most "
    f"{EXACT_AUTO_LIMIT} candidates; choose the exact method to run it for more.",
}


class InvalidBenchQuery(AppError):
    status_code = 422


@dataclass(frozen=True)
class Candidate:
    employee_id: int
    name: str
    current_role: str
    site_code: str
    site_name: str
    region_code: str
    region_name: str
    months_in_role: int
    typical_months: int | None
    tracking: bool
    ready_on: dt.date | None
    hours: float
    bucket: str
    missing_certifications: tuple[str, ...] = ()


@dataclass
class Group:
    code: str
    name: str
    counts: Counter[str] = field(default_factory=Counter)
    sites: dict[str, "Group"] = field(default_factory=dict)


@dataclass
class RoleBench:
    code: str
    name: str
    candidates: list[Candidate]
    counts: Counter[str]
    regions: list[Group]


@dataclass
class Bench:
    method: str
    method_text: str
    today: dt.date
    region: str | None
    roles: list[RoleBench]


def bucket_of(ready_on: dt.date | None, today: dt.date) -> str:
    if ready_on is None:
        return "later"
    if ready_on <= today:
        return "now"
    return "soon" if ready_on <= today + HORIZON else "later"


def _targets(session: Session, role: str | None) -> list[Role]:
    codes = [role] if role else list(BENCH_ROLES)
    roles = {r.code: r for r in session.scalars(select(Role).where(Role.code.in_(codes)))}
    if role and role not in roles:
        raise NotFound(f"No role with code {shown(role)}.")
    return [roles[code] for code in codes if code in roles]


def _region_id(session: Session, region: str | None) -> int | None:
    if not region:
        return None
    region_id = session.scalar(select(Region.id).where(Region.code == region))
    if region_id is None:
        raise NotFound(f"No region with code {shown(region)}.")
    return region_id


def _candidates(
    session: Session, scope: Ids, targets: list[Role], region_id: int | None
) -> tuple[Sequence[Any], dict[tuple[int, int], int], set[tuple[int, int]]]:
    target_ids = [r.id for r in targets]
    edges = {
        (from_id, to_id): months
        for from_id, to_id, months in session.execute(
            select(PathEdge.from_role_id, PathEdge.to_role_id, PathEdge.typical_months).where(
                PathEdge.to_role_id.in_(target_ids)
            )
        )
    }
    tracking_rows = select(CareerTracker.employee_id, CareerTracker.role_id).where(
        CareerTracker.role_id.in_(target_ids), CareerTracker.employee_id.in_(scope)
    )
    tracking = {(e, r) for e, r in session.execute(tracking_rows)}
    query = (
        select(
            Employee.id,
            Employee.name,
            Employee.role_id,
            Role.name,
            Site.code,
            Site.name,
            Region.code,
            Region.name,
            Employee.role_since,
        )
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id)
        .join(Region, Region.id == Site.region_id)
        .where(Employee.id.in_(scope))
        .where(
            or_(
                Employee.role_id.in_({f for f, _ in edges}),
                Employee.id.in_(
                    select(CareerTracker.employee_id).where(CareerTracker.role_id.in_(target_ids))
                ),
            )
        )
        .order_by(Employee.name, Employee.id)
        .limit(MAX_CANDIDATES + 1)
    )
    if region_id is not None:
        query = query.where(Site.region_id == region_id)
    people = session.execute(query).all()
    if len(people) > MAX_CANDIDATES:
        raise InvalidBenchQuery(
            f"More than {MAX_CANDIDATES:,} candidates are in scope; choose a region to narrow the bench."
        )
    return people, edges, tracking


def build_bench(
    session: Session, scope: Ids, today: dt.date, *, role: str | None, region: str | None, method: str
) -> Bench:
    if method not in METHODS:
        raise InvalidBenchQuery(f"Unknown method {shown(method)}. Choose one of: {', '.join(METHODS)}.")
    targets = _targets(session, role)
    people, edges, tracking = _candidates(session, scope, targets, _region_id(session, region))
    planner_targets = {t.code: t for t in plans_service.targets(session, [r.code for r in targets])}
    catalog, code_of = readiness.catalog(session)
    codes = {c for t in planner_targets.values() for c in t.competencies}
    ids = [p[0] for p in people]
    # The shared rule's levels, course evidence included: the planner takes them as given, so a completed
    # course never overrules a manager's later, lower rating.
    levels = levels_for_many(session, ids, codes)
    completed = completed_for_many(session, ids, code_of, today)
    held = certifications.standings(session, ids, today)

    pairs = [(p, t) for p in people for t in targets if _is_candidate(p, t, edges, tracking)]
    if method == "auto":
        method = "exact" if len(pairs) <= EXACT_AUTO_LIMIT else "estimate"
    elif method == "exact" and len(pairs) > EXACT_MAX:
        raise InvalidBenchQuery(
            f"The exact planner runs for at most {EXACT_MAX} candidates at a time and {len(pairs)} are in "
            "scope; choose a role and a region, or the estimate."
        )
    estimator = readiness.GapEstimator(catalog, today)
    lattice = plans_service.lattice_edges(session)
    results: dict[str, list[Candidate]] = {t.code: [] for t in targets}
    for person, target in pairs:
        own = {code: current.level for code, current in levels.get(person[0], {}).items()}
        done = completed.get(person[0], Completed())
        planner_target = planner_targets[target.code]
        if method == "exact":
            estimate = readiness.exact(catalog, planner_target, own, done, today)
        else:
            estimate = estimator.estimate(planner_target, own, done)
        missing = certifications.missing_required(target.certifications, held.get(person[0], {}))
        estimate = readiness.held_back(
            estimate,
            edges=lattice,
            role_id=person[2],
            role_since=person[8],
            target_id=target.id,
            missing_certifications=missing,
        )
        results[target.code].append(_candidate(person, target, edges, tracking, estimate, today))
    roles = [_role_bench(t, results[t.code]) for t in targets]
    return Bench(method, METHOD_TEXT[method], today, region or None, roles)


def _is_candidate(person: Any, target: Role, edges: dict[tuple[int, int], int], tracking: set[Any]) -> bool:
    if person[2] == target.id:
        return False  # already in the role
    return (person[2], target.id) in edges or (person[0], target.id) in tracking


def _candidate(
    person: Any,
    target: Role,
    edges: dict[tuple[int, int], int],
    tracking: set[Any],
    estimate: readiness.Estimate,
    today: dt.date,
) -> Candidate:
    employee_id, name, role_id, role_name, site_code, site_name, region_code, region_name, since = person
    return Candidate(
        employee_id=employee_id,
        name=name,
        current_role=role_name,
        site_code=site_code,
        site_name=site_name,
        region_code=region_code,
        region_name=region_name,
        months_in_role=months_between(since, today),
        typical_months=edges.get((role_id, target.id)),
        tracking=(employee_id, target.id) in tracking,
        ready_on=estimate.ready_on,
        hours=round(estimate.minutes / 60, 2),
        bucket=bucket_of(estimate.ready_on, today),
        missing_certifications=estimate.missing_certifications,
    )


def _role_bench(target: Role, candidates: list[Candidate]) -> RoleBench:
    order = list(BUCKETS)
    candidates.sort(key=lambda c: (order.index(c.bucket), c.ready_on or dt.date.max, c.name))
    regions: dict[str, Group] = {}
    counts: Counter[str] = Counter({bucket: 0 for bucket in BUCKETS})
    for c in candidates:
        region = regions.setdefault(c.region_code, Group(c.region_code, c.region_name))
        site = region.sites.setdefault(c.site_code, Group(c.site_code, c.site_name))
        for group in (region, site):
            group.counts[c.bucket] += 1
        counts[c.bucket] += 1
    ordered = sorted(regions.values(), key=lambda g: g.name)
    return RoleBench(target.code, target.name, candidates, counts, ordered)
