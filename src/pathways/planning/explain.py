"""Turns a chosen set of courses into a Plan where every course carries the reasons it is there."""

from __future__ import annotations

from collections.abc import Collection

from pathways.planning.model import (
    GapReason,
    InProgressReason,
    Plan,
    PlannedCourse,
    PrerequisiteReason,
    Reason,
    RequiredReason,
)
from pathways.planning.problem import Problem, topological_order


def plan_order(problem: Problem, chosen: Collection[str]) -> list[str]:
    # In-progress first, then lower levels first: the order a learner would naturally take them in.
    def key(code: str) -> tuple[bool, int, str]:
        return (code not in problem.forced, problem.courses[code].level, code)

    return topological_order(chosen, problem.prerequisites_of, key)


def direct_reasons(problem: Problem, code: str) -> tuple[list[Reason], set[str]]:
    course = problem.courses[code]
    reasons: list[Reason] = [InProgressReason()] if code in problem.forced else []
    served: set[str] = set()
    for competency in sorted(course.competencies):
        have = problem.current.get(competency, 0)
        closes = [t for t in problem.targets if have < t.competencies.get(competency, 0) <= course.level]
        if closes:
            to_level = max(t.competencies[competency] for t in closes)
            reasons.append(GapReason(competency, have, to_level, tuple(t.code for t in closes)))
            served.update(t.code for t in closes)
    for target in problem.targets:
        if code in target.required_courses:
            reasons.append(RequiredReason(target.code, retake=code in problem.learner.expired))
            served.add(target.code)
    return reasons, served


def explain(
    problem: Problem,
    chosen: Collection[str],
    *,
    status: str,
    proved_optimal: bool,
    bound_minutes: int,
    seconds: float,
) -> Plan:
    order = plan_order(problem, chosen)
    reasons: dict[str, list[Reason]] = {}
    serves: dict[str, set[str]] = {}
    for code in order:
        reasons[code], serves[code] = direct_reasons(problem, code)
    for code in order:
        for prerequisite in problem.prerequisites_of(code):
            if prerequisite in reasons:
                reasons[prerequisite].append(PrerequisiteReason(code))
    # Dependents come later in `order`, so walking it backwards hands each prerequisite the roles its
    # dependents serve before the prerequisite passes them further down.
    for code in reversed(order):
        for prerequisite in problem.prerequisites_of(code):
            if prerequisite in serves:
                serves[prerequisite] |= serves[code]
    courses = tuple(
        PlannedCourse(
            code=code,
            minutes=problem.courses[code].minutes,
            level=problem.courses[code].level,
            in_progress=code in problem.forced,
            reasons=tuple(reasons[code]),
            targets=frozenset(serves[code]),
        )
        for code in order
    )
    total = sum(course.minutes for course in courses)
    return Plan(
        targets=tuple(t.code for t in problem.targets),
        courses=courses,
        total_minutes=total,
        bound_minutes=total if proved_optimal else min(bound_minutes, total),
        proved_optimal=proved_optimal,
        status=status,
        solve_seconds=seconds,
        unclosable=problem.unclosable,
        missing=problem.missing,
    )
