"""Team analytics: the competency heat map, the readiness distribution and required-learning compliance
over the last twelve months, for the viewer's analytics scope (permissions.analytics_employee_ids).

Every figure is aggregated in the database, in a fixed number of statements whatever the scope: a region holds
12,500 people and a million completions, which a loop over rows in Python takes seconds to fold. SQL returns
sums and counts per chart cell; Python only divides and rounds them, so the figures are exactly those of the
plain definition (tests/teams/analytics_reference.py, which the tests hold this module equal to).

The current level of a competency follows the one rule (competencies.evidence.decide): the latest manager
rating where there is one, else the highest level evidenced by observations, other evidence records and the
levels of completed courses that build it, else 0. It is read from the level summary, which every writer of
evidence keeps in step in its own transaction (competencies.level_summary): working it out here from a
region's 2.4 million completion x competency rows was 96 % of a 4.7 s page.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from pathways.careers.models import Role, RoleCompetency, role_required_courses
from pathways.competencies.models import Competency, LevelSummary
from pathways.errors import AppError, NotFound, shown
from pathways.learning import requirements as rules
from pathways.learning.models import Assignment, Completion, Course
from pathways.org.models import Employee, Region, Site
from pathways.teams.scope import Ids
from pathways.trackers.gaps import Readiness
from pathways.trackers.models import CareerTracker

MAX_PEOPLE = 15000  # one row per person past this many is not a chart: choose a region or a site
# The heat map shows one row per person up to this many people, then one per site up to SITE_ROWS sites,
# then one per role: past that a chart stops being readable.
PERSON_ROWS = 60
SITE_ROWS = 80
GROUPS = ("auto", "person", "site", "role")
BINS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 99), (100, 100)]


class InvalidAnalyticsQuery(AppError):
    status_code = 422


@dataclass(frozen=True)
class HeatRow:
    label: str
    people: int
    gaps: list[float | None]  # per column: the (average) gap, None where no one's role requires it


@dataclass(frozen=True)
class HeatMap:
    group: str  # person | site | role
    columns: list[tuple[str, str]]  # (code, name)
    rows: list[HeatRow]


@dataclass(frozen=True)
class MonthCompliance:
    month: str  # 2026-03
    due: int
    done: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due else None


@dataclass(frozen=True)
class Analytics:
    people: int
    heat: HeatMap
    readiness: list[tuple[str, int]]  # (bin label, trackers)
    trackers: int
    compliance: list[MonthCompliance]


def narrowed(session: Session, scope: Ids, region: str | None, site: str | None) -> Select[Any]:
    ids = select(Employee.id).where(Employee.id.in_(scope))
    if region:
        region_id = session.scalar(select(Region.id).where(Region.code == region))
        if region_id is None:
            raise NotFound(f"No region with code {shown(region)}.")
        ids = ids.where(Employee.site_id.in_(select(Site.id).where(Site.region_id == region_id)))
    if site:
        site_id = session.scalar(select(Site.id).where(Site.code == site))
        if site_id is None:
            raise NotFound(f"No site with code {shown(site)}.")
        ids = ids.where(Employee.site_id == site_id)
    return ids


def month_ends(today: dt.date, months: int = 12) -> list[dt.date]:
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        ends.append(min(today, _next_month(first) - dt.timedelta(days=1)))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(ends))


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def build(session: Session, ids: Ids, today: dt.date, group: str = "auto") -> Analytics:
    if group not in GROUPS:
        raise InvalidAnalyticsQuery(f"Unknown group {shown(group)}. Choose one of: {', '.join(GROUPS)}.")
    in_scope = Employee.id.in_(ids)
    people, site_names = session.execute(
        select(func.count(), func.count(distinct(Site.name)))
        .select_from(Employee)
        .join(Site, Site.id == Employee.site_id)
        .where(in_scope)
    ).one()
    if group == "auto":
        group = "person" if people <= PERSON_ROWS else "site" if site_names <= SITE_ROWS else "role"
    if group == "person" and people > MAX_PEOPLE:
        raise InvalidAnalyticsQuery(
            f"More than {MAX_PEOPLE:,} people are in scope; choose a region or a site to narrow them."
        )
    trackers = session.scalar(select(func.count(CareerTracker.id)).where(CareerTracker.employee_id.in_(ids)))
    return Analytics(
        people=people,
        heat=_heat(session, ids, group),
        readiness=_distribution(session, ids),
        trackers=trackers or 0,
        compliance=compliance(session, ids, today),
    )


# ---------------------------------------------------------------- current levels, as SQL


def _current_level(employee: Any, competency: Any) -> tuple[ColumnElement[int], list[Any]]:
    """The current level of (employee, competency) columns of an outer query, read from the level summary
    (competencies.level_summary keeps it in step with the evidence), and the join that brings it in."""
    summary = aliased(LevelSummary)
    level = func.coalesce(summary.rated, summary.evidenced, 0)
    on = and_(summary.employee_id == employee, summary.competency_id == competency)
    return level, [(summary, on)]


def _with_levels(query: Select[Any], joins: Any) -> Select[Any]:
    for subquery, on in joins:
        query = query.outerjoin(subquery, on)
    return query


# ---------------------------------------------------------------- the heat map


def _heat(session: Session, ids: Ids, group: str) -> HeatMap:
    in_scope = Employee.id.in_(ids)
    required = select(RoleCompetency.competency_id).where(
        RoleCompetency.role_id.in_(select(Employee.role_id).where(in_scope))
    )
    found = sorted(
        session.execute(
            select(Competency.id, Competency.code, Competency.name, Competency.position).where(
                Competency.id.in_(required)
            )
        ),
        key=lambda c: (c.position, c.code),
    )
    columns = [(c.code, c.name) for c in found]
    index = {c.id: n for n, c in enumerate(found)}

    key: Any = {"person": Employee.id, "site": Site.name, "role": Role.name}[group]
    groups = (
        select(key, Employee.name, Role.name, func.count())
        .select_from(Employee)
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id)
        .where(in_scope)
        .group_by(key, Employee.name, Role.name)
        if group == "person"
        else select(key, key, key, func.count())
        .select_from(Employee)
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id)
        .where(in_scope)
        .group_by(key)
    )
    if group == "person":
        groups = groups.order_by(Employee.name, Employee.id)
    labels: dict[Any, tuple[str, int]] = {}
    for row_key, name, role_name, count in session.execute(groups):
        labels[row_key] = (f"{name} ({role_name})" if group == "person" else str(row_key), count)

    level, joins = _current_level(Employee.id, RoleCompetency.competency_id)
    gap = case((RoleCompetency.level > level, RoleCompetency.level - level), else_=0)
    cells = _with_levels(
        select(key, RoleCompetency.competency_id, func.sum(gap), func.count())
        .select_from(Employee)
        .join(RoleCompetency, RoleCompetency.role_id == Employee.role_id)
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id),
        joins,
    ).where(in_scope)
    sums: dict[Any, list[float | None]] = {k: [None] * len(columns) for k in labels}
    for row_key, competency_id, total, count in session.execute(
        cells.group_by(key, RoleCompetency.competency_id)
    ):
        if count:
            sums[row_key][index[competency_id]] = round(int(total) / count, 1)
    rows = [HeatRow(label, count, sums[k]) for k, (label, count) in labels.items()]
    if group != "person":
        rows.sort(key=lambda r: r.label)
    return HeatMap(group, columns, rows)


# ---------------------------------------------------------------- readiness toward tracked roles


def _distribution(session: Session, ids: Ids) -> list[tuple[str, int]]:
    level, joins = _current_level(CareerTracker.employee_id, RoleCompetency.competency_id)
    reached = case((level < RoleCompetency.level, level), else_=RoleCompetency.level)
    per_tracker = (
        _with_levels(
            select(
                func.coalesce(func.sum(reached), 0).label("reached"),
                func.coalesce(func.sum(RoleCompetency.level), 0).label("required"),
            )
            .select_from(CareerTracker)
            .outerjoin(RoleCompetency, RoleCompetency.role_id == CareerTracker.role_id),
            joins,
        )
        .where(CareerTracker.employee_id.in_(ids))
        .group_by(CareerTracker.id)
        .subquery("per_tracker")
    )
    counts = [0] * len(BINS)
    for got, wanted, trackers in session.execute(
        select(per_tracker.c.reached, per_tracker.c.required, func.count()).group_by(
            per_tracker.c.reached, per_tracker.c.required
        )
    ):
        percent = Readiness(reached=int(got), required=int(wanted), met=0, count=0).percent
        counts[next(i for i, (low, high) in enumerate(BINS) if low <= percent <= high)] += trackers
    return [
        (f"{low}\N{EN DASH}{high} %" if low != high else f"{low} %", n)
        for (low, high), n in zip(BINS, counts, strict=True)
    ]


# ---------------------------------------------------------------- compliance by month


def _expiry_cutoff(end: dt.date, months: int) -> dt.date:
    """The earliest completion date still counting on `end` for a course renewed every `months`: a completion
    on `on` counts while on <= end < add_months(on, months), and add_months only ever grows with `on`."""
    day = rules.add_months(end, -months) - dt.timedelta(days=5)
    while rules.add_months(day, months) <= end:
        day += dt.timedelta(days=1)
    return day


def compliance(session: Session, ids: Ids, today: dt.date) -> list[MonthCompliance]:
    """Per month end: of the required courses due by then (as requirements stand today, waivers left out),
    how many had been completed by then, and, for a course that must be renewed, not yet expired then."""
    ends = month_ends(today)
    renewed = select(Course.valid_for_months).where(Course.valid_for_months > 0).distinct()
    renewals = sorted({months for months in session.scalars(renewed) if months})
    assigned = (Assignment.state != "cancelled") & (Assignment.state != "waived")
    # A role's course is due ROLE_DUE_DAYS after the role began, unless an assignment (open or waived) of the
    # same course overrides it: its due date wins, and a waiver takes the course out of the count.
    by_role = (
        select(
            Employee.id.label("employee_id"),
            role_required_courses.c.course_id,
            Employee.role_since.label("role_since"),
            null().cast(Date).label("due_on"),
        )
        .join(role_required_courses, role_required_courses.c.role_id == Employee.role_id)
        .where(Employee.id.in_(ids))
        .where(
            ~exists().where(
                Assignment.employee_id == Employee.id,
                Assignment.course_id == role_required_courses.c.course_id,
                Assignment.state != "cancelled",
            )
        )
    )
    by_assignment = select(
        Assignment.employee_id,
        Assignment.course_id,
        null().cast(Date).label("role_since"),
        Assignment.due_on,
    ).where(Assignment.employee_id.in_(ids), assigned)
    required = union_all(by_role, by_assignment).subquery("required")
    months = func.coalesce(Course.valid_for_months, 0)
    done_cols = []
    for n, end in enumerate(ends):
        counts = Completion.completed_at <= end
        if renewals:
            counts = and_(
                counts,
                or_(
                    months == 0,
                    *(and_(months == m, Completion.completed_at >= _expiry_cutoff(end, m)) for m in renewals),
                ),
            )
        done_cols.append(func.max(case((counts, 1), else_=0)).label(f"done_{n}"))
    per_course = (
        select(required.c.role_since, required.c.due_on, *done_cols)
        .select_from(required)
        .join(Course, Course.id == required.c.course_id)
        .outerjoin(
            Completion,
            and_(
                Completion.employee_id == required.c.employee_id,
                Completion.course_id == required.c.course_id,
            ),
        )
        .group_by(required.c.employee_id, required.c.course_id, required.c.role_since, required.c.due_on)
        .subquery("per_course")
    )
    totals = []
    for n, end in enumerate(ends):
        due = or_(
            per_course.c.due_on <= end,
            per_course.c.role_since <= end - dt.timedelta(days=rules.ROLE_DUE_DAYS),
        )
        totals.append(func.coalesce(func.sum(case((due, 1), else_=0)), 0))
        totals.append(
            func.coalesce(func.sum(case((and_(due, per_course.c[f"done_{n}"] == 1), 1), else_=0)), 0)
        )
    figures = session.execute(select(*totals)).one()
    return [
        MonthCompliance(end.strftime("%Y-%m"), int(figures[2 * n]), int(figures[2 * n + 1]))
        for n, end in enumerate(ends)
    ]
