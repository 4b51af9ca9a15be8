"""When could a candidate be ready for a role: by the exact planner, or by a cheaper estimate from gaps.

Both take what the planner takes (plans.service.catalog and targets, the person's levels and completed
courses, 3 learning hours a week) and date readiness the way the planner's schedule does: start plus the
weeks the course hours fill. The exact planner solves a small optimisation per person, which is too slow
for hundreds of people in one page view; the estimate picks, for each gap, the cheapest course that closes
it (prerequisites included) and costs microseconds. Nothing is cached: the web tier holds no state.
"""

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.evidence import Completed
from pathways.competencies.models import Competency
from pathways.learning.models import Course, course_competencies, course_prerequisites
from pathways.planning import model as planning
from pathways.planning import time_in_role
from pathways.planning.planner import plan_for
from pathways.planning.schedule import budget_minutes

HOURS_PER_WEEK = Decimal(3)
EXACT_TIME_LIMIT_S = 0.5  # per person; the plan falls back to the greedy one if the solver runs out


@dataclass(frozen=True)
class Estimate:
    ready_on: (
        dt.date | None
    )  # None: some gap no course in the catalogue closes, or a certification is missing
    minutes: int  # course time still to do
    courses: tuple[str, ...]
    missing_certifications: tuple[str, ...] = ()  # required, with no verified and unexpired certificate


def held_back(
    estimate: Estimate,
    *,
    edges: Mapping[tuple[int, int], int],
    role_id: int,
    role_since: dt.date,
    target_id: int,
    missing_certifications: Sequence[str],
) -> Estimate:
    """The courses' date under the planner page's own rule (planning.time_in_role): never before the
    lattice's typical months in role have passed, and none without a required certification (no course can
    date a verified certificate, certifications.service.missing_required)."""
    ready = time_in_role.readiness(
        estimate.ready_on,
        edges=edges,
        current_role=role_id,
        role_since=role_since,
        targets=[target_id],
        missing_certifications=missing_certifications,
    )
    return Estimate(ready.on, estimate.minutes, estimate.courses, ready.missing_certifications)


def catalog(session: Session) -> tuple[dict[str, planning.Course], dict[int, str]]:
    """What plans.service.catalog gives the planner, read with three plain queries instead of ORM objects
    (a third of the time for a 400-course catalogue), with each course id's code; tests/teams/test_bench.py
    holds the catalogue equal to plans.service's."""
    rows = session.execute(select(Course.id, Course.code, Course.hours, Course.level)).all()
    code_of = {course_id: code for course_id, code, _hours, _level in rows}
    builds: dict[int, set[str]] = {}
    for course_id, competency in session.execute(
        select(course_competencies.c.course_id, Competency.code).join(
            Competency, Competency.id == course_competencies.c.competency_id
        )
    ):
        builds.setdefault(course_id, set()).add(competency)
    needs: dict[int, list[str]] = {}
    for course_id, prerequisite_id in session.execute(
        select(course_prerequisites.c.course_id, course_prerequisites.c.prerequisite_id)
    ):
        needs.setdefault(course_id, []).append(code_of[prerequisite_id])
    courses = {
        code: planning.Course(
            code=code,
            hours=hours,
            level=level,
            competencies=frozenset(builds.get(course_id, ())),
            prerequisites=tuple(sorted(needs.get(course_id, []))),
        )
        for course_id, code, hours, level in rows
    }
    return courses, code_of


def exact(
    catalog: Mapping[str, planning.Course],
    target: planning.Target,
    levels: Mapping[str, int],
    completed: Completed,
    today: dt.date,
) -> Estimate:
    learner = planning.Learner(
        completed=frozenset(completed.valid), expired=frozenset(completed.expired), levels=dict(levels)
    )
    result = plan_for(
        catalog,
        learner,
        [target],
        start=today,
        hours_per_week=HOURS_PER_WEEK,
        time_limit_s=EXACT_TIME_LIMIT_S,
    )
    return Estimate(result.readiness_date, result.plan.total_minutes, result.plan.codes)


class GapEstimator:
    """Per-request helper for one catalogue: prerequisite closures are worked out once and shared."""

    def __init__(self, catalog: Mapping[str, planning.Course], today: dt.date) -> None:
        self.catalog = catalog
        self.today = today
        self.budget = budget_minutes(HOURS_PER_WEEK)
        self._closures: dict[str, frozenset[str]] = {}
        self._builders: dict[str, list[planning.Course]] = {}
        for course in catalog.values():
            for competency in course.competencies:
                self._builders.setdefault(competency, []).append(course)

    def closure(self, code: str) -> frozenset[str]:
        known = self._closures.get(code)
        if known is not None:
            return known
        seen: set[str] = set()
        stack = [code]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.catalog:
                continue
            seen.add(current)
            stack.extend(self.catalog[current].prerequisites)
        self._closures[code] = frozenset(seen)
        return self._closures[code]

    def estimate(self, target: planning.Target, current: Mapping[str, int], done: Completed) -> Estimate:
        """`current`: the person's levels by the shared rule (competencies.evidence), taken as given: a past
        completion is already in them unless a later manager rating says otherwise, and must not overrule
        that rating here. A required course whose completion has expired is taken again; an expired course
        still meets a prerequisite, as in the planner."""
        completed = done.valid | done.expired
        chosen: set[str] = set()
        for code in sorted(target.required_courses - done.valid):
            if code not in self.catalog:
                return Estimate(None, 0, ())
            chosen |= {code} | (self.closure(code) - completed)
        for competency, level in sorted(target.competencies.items()):
            if current.get(competency, 0) >= level:
                continue
            options = [
                self.closure(c.code) - completed - chosen
                for c in self._builders.get(competency, [])
                if c.level >= level and c.code not in completed
            ]
            if not options:
                return Estimate(None, 0, ())
            chosen |= min(options, key=lambda bundle: (self.minutes(bundle), sorted(bundle)))
        minutes = self.minutes(chosen)
        weeks = math.ceil(minutes / self.budget)
        return Estimate(self.today + dt.timedelta(weeks=weeks), minutes, tuple(sorted(chosen)))

    def minutes(self, codes: Iterable[str]) -> int:
        return sum(self.catalog[code].minutes for code in codes)
