"""The plain greedy planner: the baseline the benchmark compares the exact planner with."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from pathways.planning.explain import explain
from pathways.planning.model import Learner, Plan, Target
from pathways.planning.problem import Catalog, Problem, build_problem


def greedy_choice(problem: Problem) -> set[str]:
    chosen = problem.closure(problem.forced | problem.required)
    open_needs = [need for need in problem.needs if not need.candidates & chosen]
    while open_needs:
        best: tuple[float, int, str] | None = None
        best_bundle: set[str] = set()
        for code in sorted({c for need in open_needs for c in need.candidates} - chosen):
            # A course costs its own hours plus those of the prerequisites it drags in.
            bundle = problem.closure([code]) - chosen
            cost = problem.minutes(bundle)
            closed = sum(1 for need in open_needs if need.candidates & bundle)
            key = (-(closed / cost if cost else math.inf), cost, code)
            if best is None or key < best:
                best, best_bundle = key, bundle
        chosen |= best_bundle
        open_needs = [need for need in open_needs if not need.candidates & chosen]
    return chosen


def greedy_plan(catalog: Catalog, learner: Learner, targets: Sequence[Target]) -> Plan:
    started = time.perf_counter()
    problem = build_problem(catalog, learner, targets)
    chosen = greedy_choice(problem)
    return explain(
        problem,
        chosen,
        status="GREEDY",
        proved_optimal=False,
        bound_minutes=0,
        seconds=time.perf_counter() - started,
    )
