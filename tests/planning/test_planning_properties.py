"""The planners against a brute-force search over every subset of a small random catalog."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.planning.greedy import greedy_plan
from pathways.planning.model import Course, Learner, Target
from pathways.planning.optimizer import simple_bound
from pathways.planning.planner import plan_for
from pathways.planning.problem import build_problem

COMPETENCIES = ("phlebotomy", "scheduling", "listening", "ehr")
HOURS = (0, 0.5, 1, 1.5, 2, 3, 4, 5)


@dataclass(frozen=True)
class Case:
    catalog: list[Course]
    learner: Learner
    targets: list[Target]
    budget: float


@st.composite
def cases(draw: st.DrawFn) -> Case:
    size = draw(st.integers(1, 10))
    codes = [f"C{i}" for i in range(size)]
    catalog = []
    for i, code in enumerate(codes):
        # Prerequisites only point to earlier courses, so the graph is acyclic.
        prerequisites = draw(st.lists(st.sampled_from(codes[:i]), max_size=2, unique=True)) if i else []
        catalog.append(
            Course(
                code=code,
                hours=draw(st.sampled_from(HOURS)),
                level=draw(st.integers(1, 4)),
                competencies=frozenset(draw(st.lists(st.sampled_from(COMPETENCIES), min_size=1, max_size=2))),
                prerequisites=tuple(prerequisites),
            )
        )
    completed = frozenset(draw(st.lists(st.sampled_from(codes), max_size=3)))
    expired = frozenset(draw(st.lists(st.sampled_from(codes), max_size=2))) - completed
    in_progress = frozenset(draw(st.lists(st.sampled_from(codes), max_size=2))) - completed
    levels = draw(st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(0, 3), max_size=3))
    targets = [
        Target(
            code=f"ROLE-{t}",
            competencies=draw(st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(1, 4), max_size=4)),
            required_courses=frozenset(draw(st.lists(st.sampled_from(codes), max_size=2))),
        )
        for t in range(draw(st.integers(1, 2)))
    ]
    budget = draw(st.sampled_from([1, 2.5, 3, 6]))
    return Case(catalog, Learner(completed, levels, in_progress, expired), targets, budget)


def evidence(case: Case) -> dict[str, int]:
    # The learner's levels are the shared rule's (competencies.evidence): completed courses are already
    # counted in them unless a later manager rating says otherwise, so they are taken as given and never
    # raised by past completions. Drawing them independently of `completed` covers both cases.
    return dict(case.learner.levels)


def closable_gaps(case: Case) -> tuple[set[tuple[str, int]], set[tuple[str, int, str]]]:
    have = evidence(case)
    # A course done before closes no gap by being taken again, unless it is retaken anyway: an expired one
    # that a target requires or that is in progress.
    retaken = {code for t in case.targets for code in t.required_courses} | case.learner.in_progress
    done_before = case.learner.completed | (case.learner.expired - retaken)
    untaken = [c for c in case.catalog if c.code not in done_before]
    closable, unclosable = set(), set()
    for target in case.targets:
        for competency, level in target.competencies.items():
            if level <= have.get(competency, 0):
                continue
            if any(competency in c.competencies and c.level >= level for c in untaken):
                closable.add((competency, level))
            else:
                unclosable.add((competency, level, target.code))
    return closable, unclosable


def violations(case: Case, chosen: set[str]) -> list[str]:
    by_code = {c.code: c for c in case.catalog}
    done, going, expired = case.learner.completed, case.learner.in_progress, case.learner.expired
    required = {code for t in case.targets for code in t.required_courses}
    found = [f"completed {code}" for code in chosen & done]
    # An expired completion must be retaken where a target requires the course, and only there.
    found += [f"expired {code} retaken without need" for code in (chosen & expired) - required - going]
    found += [f"in progress {code} dropped" for code in going - chosen]
    found += [f"required {code}" for code in required - done - chosen]
    for code in chosen - going:
        # An expired completion still meets a prerequisite.
        found += [
            f"{code} needs {p}" for p in by_code[code].prerequisites if p not in done | expired | chosen
        ]
    closable, _ = closable_gaps(case)
    for competency, level in closable:
        if not any(competency in by_code[c].competencies and by_code[c].level >= level for c in chosen):
            found.append(f"gap {competency} {level}")
    return found


def brute_force(case: Case) -> tuple[int, int]:
    pool = [c for c in case.catalog if c.code not in case.learner.completed]
    best: tuple[int, int] | None = None
    for size in range(len(pool) + 1):
        for subset in combinations(pool, size):
            cost = (sum(c.minutes for c in subset), size)
            if (best is None or cost < best) and not violations(case, {c.code for c in subset}):
                best = cost
    assert best is not None  # every untaken course together always satisfies the constraints
    return best


def minutes(case: Case, codes: Iterable[str]) -> int:
    by_code = {c.code: c for c in case.catalog}
    return sum(by_code[code].minutes for code in codes)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_exact_plan_matches_brute_force_and_beats_greedy(case: Case) -> None:
    result = plan_for(
        case.catalog, case.learner, case.targets, start=date(2025, 1, 6), hours_per_week=case.budget
    )
    plan = result.plan
    chosen = set(plan.codes)
    assert len(chosen) == len(plan.codes)
    assert not violations(case, chosen)
    assert plan.proved_optimal
    assert (plan.total_minutes, len(chosen)) == brute_force(case)
    assert plan.total_minutes == minutes(case, chosen) == plan.bound_minutes
    assert simple_bound(build_problem(case.catalog, case.learner, case.targets)) <= plan.total_minutes
    _, unclosable = closable_gaps(case)
    assert {(g.competency, g.required_level, g.target) for g in plan.unclosable} == unclosable
    for course in plan.courses:
        assert course.reasons, f"{course.code} has no reason to be in the plan"

    greedy = greedy_plan(case.catalog, case.learner, case.targets)
    assert not violations(case, set(greedy.codes))
    assert plan.total_minutes <= greedy.total_minutes


@settings(max_examples=150, deadline=None)
@given(cases())
def test_schedule_keeps_budget_and_puts_prerequisites_first(case: Case) -> None:
    result = plan_for(
        case.catalog, case.learner, case.targets, start=date(2025, 1, 6), hours_per_week=case.budget
    )
    schedule = result.schedule
    budget = schedule.minutes_per_week
    by_code = {c.code: c for c in case.catalog}
    at = {c.code: c for c in schedule.courses}
    assert list(at) == list(result.plan.codes)
    for week in schedule.weeks:
        assert 0 < week.minutes <= budget or all(m == 0 for _, m in week.allocations)
    spent: dict[str, int] = {}
    for week in schedule.weeks:
        for code, allocated in week.allocations:
            spent[code] = spent.get(code, 0) + allocated
    for code, placed in at.items():
        assert spent[code] == placed.minutes
        if placed.in_progress:
            continue
        for prerequisite in by_code[code].prerequisites:
            assert prerequisite not in case.learner.completed or prerequisite not in at
            if prerequisite in case.learner.expired:
                continue  # met by the earlier completion; a retake for a requirement may come in any order
            if prerequisite in at:
                assert at[prerequisite].end_minute <= placed.start_minute
                assert at[prerequisite].end_week <= placed.start_week
    in_progress = [placed.in_progress for placed in schedule.courses]
    assert in_progress == sorted(in_progress, reverse=True)
    total = result.plan.total_minutes
    assert schedule.weeks_needed == max(math.ceil(total / budget), 1 if at else 0)
