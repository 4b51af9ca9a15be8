"""The plain definition of team analytics, as it was written before the figures moved into SQL: every row
read into Python and folded there. The tests hold pathways.teams.analytics equal to it on small data sets;
it is far too slow for a region, which is why the app no longer uses it."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pathways.careers.models import Role, RoleCompetency
from pathways.competencies.evidence import levels_for_many
from pathways.competencies.models import Competency
from pathways.errors import shown
from pathways.learning import requirements as rules
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee, Site
from pathways.teams.analytics import (
    BINS,
    GROUPS,
    MAX_PEOPLE,
    PERSON_ROWS,
    SITE_ROWS,
    Analytics,
    HeatMap,
    HeatRow,
    InvalidAnalyticsQuery,
    MonthCompliance,
    month_ends,
)
from pathways.trackers.gaps import Readiness
from pathways.trackers.models import CareerTracker


def build(session: Session, ids: Select[Any], today: dt.date, group: str = "auto") -> Analytics:
    if group not in GROUPS:
        raise InvalidAnalyticsQuery(f"Unknown group {shown(group)}. Choose one of: {', '.join(GROUPS)}.")
    people = session.execute(
        select(Employee.id, Employee.name, Employee.role_id, Role.name, Site.name)
        .join(Role, Role.id == Employee.role_id)
        .join(Site, Site.id == Employee.site_id)
        .where(Employee.id.in_(ids))
        .order_by(Employee.name, Employee.id)
        .limit(MAX_PEOPLE + 1)
    ).all()
    if len(people) > MAX_PEOPLE:
        raise InvalidAnalyticsQuery(
            f"More than {MAX_PEOPLE:,} people are in scope; choose a region or a site to narrow them."
        )
    person_ids = [p[0] for p in people]
    trackers = session.execute(
        select(CareerTracker.employee_id, CareerTracker.role_id).where(
            CareerTracker.employee_id.in_(person_ids)
        )
    ).all()
    role_ids = {p[2] for p in people} | {t[1] for t in trackers}
    needs: dict[int, dict[str, int]] = defaultdict(dict)
    columns: dict[str, tuple[int, str]] = {}
    for role_id, code, name, position, level in session.execute(
        select(
            RoleCompetency.role_id,
            Competency.code,
            Competency.name,
            Competency.position,
            RoleCompetency.level,
        )
        .join(Competency, Competency.id == RoleCompetency.competency_id)
        .where(RoleCompetency.role_id.in_(role_ids))
    ):
        needs[role_id][code] = level
        if role_id in {p[2] for p in people}:
            columns[code] = (position, name)
    levels = levels_for_many(session, person_ids, {c for n in needs.values() for c in n})
    current = {e: {c: lv.level for c, lv in mine.items()} for e, mine in levels.items()}
    ordered = sorted(columns.items(), key=lambda item: (item[1][0], item[0]))
    heat = _heat(people, needs, current, [(code, name) for code, (_, name) in ordered], group)
    return Analytics(
        people=len(people),
        heat=heat,
        readiness=_distribution(trackers, needs, current),
        trackers=len(trackers),
        compliance=compliance(session, person_ids, today),
    )


def _heat(
    people: Sequence[Any],
    needs: dict[int, dict[str, int]],
    current: dict[int, dict[str, int]],
    columns: list[tuple[str, str]],
    group: str,
) -> HeatMap:
    if group == "auto":
        sites = {row[4] for row in people}
        group = "person" if len(people) <= PERSON_ROWS else "site" if len(sites) <= SITE_ROWS else "role"
    sums: dict[object, list[list[int]]] = {}
    labels: dict[object, str] = {}
    counts: dict[object, int] = defaultdict(int)
    for employee_id, name, role_id, role_name, site_name in people:
        key = {"person": employee_id, "site": site_name, "role": role_name}[group]
        labels[key] = f"{name} ({role_name})" if group == "person" else str(key)
        cells = sums.setdefault(key, [[] for _ in columns])
        counts[key] += 1
        mine = current.get(employee_id, {})
        for index, (code, _name) in enumerate(columns):
            required = needs[role_id].get(code)
            if required is not None:
                cells[index].append(max(required - mine.get(code, 0), 0))
    rows = [
        HeatRow(labels[key], counts[key], [round(sum(c) / len(c), 1) if c else None for c in cells])
        for key, cells in sums.items()
    ]
    if group != "person":
        rows.sort(key=lambda r: r.label)
    return HeatMap(group, columns, rows)


def _distribution(
    trackers: Sequence[Any], needs: dict[int, dict[str, int]], current: dict[int, dict[str, int]]
) -> list[tuple[str, int]]:
    counts = [0] * len(BINS)
    for employee_id, role_id in trackers:
        mine = current.get(employee_id, {})
        wanted = needs.get(role_id, {})
        percent = Readiness(
            reached=sum(min(mine.get(c, 0), level) for c, level in wanted.items()),
            required=sum(wanted.values()),
            met=sum(1 for c, level in wanted.items() if mine.get(c, 0) >= level),
            count=len(wanted),
        ).percent
        index = next(i for i, (low, high) in enumerate(BINS) if low <= percent <= high)
        counts[index] += 1
    return [
        (f"{low}\N{EN DASH}{high} %" if low != high else f"{low} %", n)
        for (low, high), n in zip(BINS, counts, strict=True)
    ]


def compliance(session: Session, person_ids: list[int], today: dt.date) -> list[MonthCompliance]:
    """Per month end: of the required courses due by then (as requirements stand today, waivers left out),
    how many had been completed by then, and, for a course that must be renewed, not yet expired then."""
    required = [
        r
        for r in rules.load_required(session, person_ids)
        if not (r.assignment is not None and r.assignment.state == "waived")
    ]
    pairs = rules.required_pairs(person_ids)
    first_done = {
        (e, c): on
        for e, c, on in session.execute(
            select(Completion.employee_id, Completion.course_id, func.min(Completion.completed_at))
            .where(Completion.employee_id.in_(person_ids))
            .where(Completion.course_id.in_(select(pairs.c.course_id)))
            .group_by(Completion.employee_id, Completion.course_id)
        )
    }
    renewed = _renewed_completions(session, person_ids)

    def done_by(row: rules.Required, end: dt.date) -> bool:
        months = renewed.valid_for.get(row.course_id)
        if months is None:
            on = first_done.get(row.key)
            return on is not None and on <= end
        return any(on <= end < rules.add_months(on, months) for on in renewed.completions.get(row.key, ()))

    months = []
    for end in month_ends(today):
        due = [r for r in required if r.due_on <= end]
        done = sum(1 for r in due if done_by(r, end))
        months.append(MonthCompliance(end.strftime("%Y-%m"), len(due), done))
    return months


@dataclass(frozen=True)
class Renewed:
    valid_for: dict[int, int]  # course id -> months a completion counts
    completions: dict[tuple[int, int], list[dt.date]]  # (employee, course) -> every completion date


def _renewed_completions(session: Session, person_ids: list[int]) -> Renewed:
    # Only a course that must be renewed needs every completion: each counts from its date to its expiry.
    valid_for = {
        course_id: months
        for course_id, months in session.execute(
            select(Course.id, Course.valid_for_months).where(Course.valid_for_months.is_not(None))
        )
        if months
    }
    completions: dict[tuple[int, int], list[dt.date]] = {}
    if valid_for:
        rows = session.execute(
            select(Completion.employee_id, Completion.course_id, Completion.completed_at)
            .where(Completion.employee_id.in_(person_ids))
            .where(Completion.course_id.in_(list(valid_for)))
        )
        for employee_id, course_id, on in rows:
            completions.setdefault((employee_id, course_id), []).append(on)
    return Renewed(valid_for, completions)
