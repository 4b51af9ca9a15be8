"""The constraints every planner (exact and greedy) must satisfy, derived once from the inputs."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pathways.planning.model import Course, Learner, MissingCourse, Target, UnclosableGap

Catalog = Mapping[str, Course] | Iterable[Course]


@dataclass(frozen=True)
class Need:
    # At least one candidate must be planned; the candidates are every takeable course that builds
    # `competency` to `level` or beyond. Only the highest closable level per competency becomes a need,
    # because a course reaching it also covers every lower requirement.
    competency: str
    level: int
    candidates: frozenset[str]


@dataclass(frozen=True)
class Problem:
    courses: Mapping[str, Course]
    learner: Learner
    targets: tuple[Target, ...]
    current: Mapping[str, int]  # the learner's levels as given (past completions are already in them)
    needs: tuple[Need, ...]
    required: frozenset[str]  # required by a target, not completed, takeable
    forced: frozenset[str]  # in progress: planned whatever else happens
    prerequisites: Mapping[str, tuple[str, ...]]  # relevant course -> courses that must be planned with it
    relevant: frozenset[str]  # the only courses a plan can usefully contain
    unclosable: tuple[UnclosableGap, ...]
    missing: tuple[MissingCourse, ...]

    def minutes(self, codes: Iterable[str]) -> int:
        return sum(self.courses[code].minutes for code in codes)

    def closure(self, codes: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(codes)
        while stack:
            code = stack.pop()
            if code not in seen:
                seen.add(code)
                stack.extend(self.prerequisites.get(code, ()))
        return seen

    def prerequisites_of(self, code: str) -> tuple[str, ...]:
        known = self.prerequisites.get(code)
        return planned_prerequisites(self.courses[code], self.learner) if known is None else known

    def unmet(self, chosen: Collection[str]) -> list[str]:
        problems = [
            f"{need.competency} to level {need.level}"
            for need in self.needs
            if not need.candidates & set(chosen)
        ]
        problems += [f"required course {code}" for code in sorted(self.required - set(chosen))]
        problems += [f"in-progress course {code}" for code in sorted(self.forced - set(chosen))]
        problems += [
            f"completed course {code} planned again" for code in sorted(self.learner.completed & set(chosen))
        ]
        retaken = (self.learner.expired & set(chosen)) - self.required - self.forced
        problems += [
            f"expired course {code} planned though no target requires it" for code in sorted(retaken)
        ]
        for code in sorted(chosen):
            course = self.courses.get(code)
            if course is None:
                problems.append(f"course {code} is not in the catalog")
                continue
            prerequisites = self.prerequisites_of(code)
            problems += [f"{code} without its prerequisite {p}" for p in prerequisites if p not in chosen]
        return problems


def topological_order(
    codes: Collection[str], prerequisites_of: Callable[[str], Iterable[str]], key: Callable[[str], Any]
) -> list[str]:
    # Prerequisites first; among courses free to go next, the smallest key. Edges leaving `codes` are ignored.
    members = set(codes)
    pending = {code: {p for p in prerequisites_of(code) if p in members and p != code} for code in members}
    dependents: dict[str, list[str]] = defaultdict(list)
    for code, prerequisites in pending.items():
        for prerequisite in prerequisites:
            dependents[prerequisite].append(code)
    ready = [(key(code), code) for code, prerequisites in pending.items() if not prerequisites]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, code = heapq.heappop(ready)
        order.append(code)
        for dependent in dependents[code]:
            pending[dependent].discard(code)
            if not pending[dependent]:
                heapq.heappush(ready, (key(dependent), dependent))
    if len(order) < len(members):
        raise ValueError(f"prerequisite cycle among {sorted(members - set(order))}")
    return order


def index_catalog(catalog: Catalog) -> dict[str, Course]:
    if isinstance(catalog, Mapping):
        return dict(catalog)
    courses: dict[str, Course] = {}
    for course in catalog:
        if course.code in courses:
            raise ValueError(f"course {course.code} appears twice in the catalog")
        courses[course.code] = course
    return courses


def planned_prerequisites(course: Course, learner: Learner) -> tuple[str, ...]:
    # An in-progress course shows its prerequisites were met or waived when the learner enrolled,
    # so it does not pull them into the plan.
    if course.code in learner.in_progress:
        return ()
    # A completion that has since expired still shows the prerequisite's knowledge.
    return tuple(dict.fromkeys(p for p in course.prerequisites if p not in learner.taken))


def blocked_courses(courses: Mapping[str, Course], learner: Learner) -> dict[str, str]:
    # Why each untaken course can never be planned: a prerequisite missing from the catalog, blocked
    # itself, or part of a cycle. Kahn's algorithm, so long prerequisite chains need no recursion.
    reason: dict[str, str] = {}
    pending: dict[str, int] = {}
    dependents: dict[str, list[str]] = defaultdict(list)
    for code, course in courses.items():
        if code in learner.completed:
            continue
        pending[code] = 0
        for prerequisite in planned_prerequisites(course, learner):
            if prerequisite not in courses:
                reason.setdefault(code, f"its prerequisite {prerequisite} is not in the catalog")
            else:
                pending[code] += 1
                dependents[prerequisite].append(code)
    ready = [code for code, count in pending.items() if count == 0]
    while ready:
        prerequisite = ready.pop()
        for code in dependents[prerequisite]:
            if prerequisite in reason:
                reason.setdefault(code, f"its prerequisite {prerequisite} cannot be taken")
            pending[code] -= 1
            if pending[code] == 0:
                ready.append(code)
    for code, count in pending.items():
        if count > 0:
            reason.setdefault(code, "its prerequisites form a cycle")
    return reason


def build_problem(catalog: Catalog, learner: Learner, targets: Sequence[Target]) -> Problem:
    courses = index_catalog(catalog)
    # An in-progress course the catalog does not hold has no known length or competencies: leave it out.
    learner = Learner(
        learner.completed,
        learner.levels,
        frozenset(c for c in learner.in_progress if c in courses),
        learner.expired,
    )
    blocked = blocked_courses(courses, learner)
    # "A course evidences each competency it builds up to the course's level" holds for courses in the
    # plan (taking them is the point of planning), but past completions are not added again here: the
    # levels come from competencies.evidence, where the latest manager rating wins over course evidence,
    # so a course completed before a lower rating must not overrule that rating.
    current = dict(learner.levels)

    wanted = {c for t in targets for c, level in t.competencies.items() if level > current.get(c, 0)}
    # A course done before closes no gap by being taken again, unless it will be taken again anyway: an
    # expired one that a target requires or that is in progress (a future completion is planning).
    retaken = learner.expired & (learner.in_progress | {c for t in targets for c in t.required_courses})
    done_before = learner.completed | (learner.expired - retaken)
    builders: dict[str, list[Course]] = defaultdict(list)
    for code, course in courses.items():
        if code not in done_before and code not in blocked:
            for competency in course.competencies & wanted:
                builders[competency].append(course)

    need_level: dict[str, int] = {}
    unclosable: list[UnclosableGap] = []
    for target in targets:
        for competency, level in sorted(target.competencies.items()):
            have = current.get(competency, 0)
            reach = max((course.level for course in builders[competency]), default=0)
            if level <= have:
                continue
            if reach >= level:
                need_level[competency] = max(need_level.get(competency, 0), level)
            else:
                unclosable.append(UnclosableGap(competency, level, target.code, have, reach))
    needs = tuple(
        Need(competency, level, frozenset(c.code for c in builders[competency] if c.level >= level))
        for competency, level in sorted(need_level.items())
    )

    required: set[str] = set()
    missing: list[MissingCourse] = []
    for target in targets:
        for code in sorted(target.required_courses - learner.completed):
            if code not in courses:
                missing.append(MissingCourse(code, target.code, "it is not in the catalog"))
            elif code in blocked:
                missing.append(MissingCourse(code, target.code, blocked[code]))
            else:
                required.add(code)

    prerequisites: dict[str, tuple[str, ...]] = {}
    stack = [*required, *learner.in_progress, *(code for need in needs for code in need.candidates)]
    while stack:
        code = stack.pop()
        if code not in prerequisites:
            prerequisites[code] = planned_prerequisites(courses[code], learner)
            stack.extend(prerequisites[code])

    return Problem(
        courses=courses,
        learner=learner,
        targets=tuple(targets),
        current=current,
        needs=needs,
        required=frozenset(required),
        forced=learner.in_progress,
        prerequisites=prerequisites,
        relevant=frozenset(prerequisites),
        unclosable=tuple(unclosable),
        missing=tuple(missing),
    )
