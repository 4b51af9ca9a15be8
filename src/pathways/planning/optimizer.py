"""The exact planner: the fewest course hours (then the fewest courses) that close every closable gap."""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from pathways.planning.explain import explain
from pathways.planning.greedy import greedy_choice
from pathways.planning.model import Learner, Plan, Target
from pathways.planning.problem import Catalog, Problem, build_problem

DEFAULT_TIME_LIMIT_S = 2.0


@dataclass(frozen=True)
class Solution:
    chosen: frozenset[str] | None  # None when the solver found nothing in time
    status: str
    proved_optimal: bool
    bound_minutes: int


def solve_exact(problem: Problem, *, time_limit_s: float, workers: int, hint: Collection[str]) -> Solution:
    # build_problem already dropped every course that builds no needed competency to a needed level and is
    # no prerequisite of one that does, so the model only holds courses that can matter.
    codes = sorted(problem.relevant)
    if not codes:
        return Solution(frozenset(), "OPTIMAL", True, 0)
    model = cp_model.CpModel()
    take = {code: model.new_bool_var(code) for code in codes}
    for code in sorted(problem.forced | problem.required):
        model.add(take[code] == 1)
    for need in problem.needs:
        model.add_bool_or([take[code] for code in sorted(need.candidates)])
    for code in codes:
        for prerequisite in problem.prerequisites[code]:
            model.add_implication(take[code], take[prerequisite])
    # One objective, two criteria: minutes weigh more than any possible course count, so fewer courses
    # only ever breaks ties between plans of equal length.
    scale = len(codes) + 1
    weights = [problem.courses[code].minutes * scale + 1 for code in codes]
    model.minimize(cp_model.LinearExpr.weighted_sum([take[code] for code in codes], weights))
    for code in codes:
        model.add_hint(take[code], code in hint)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution(None, name, False, 0)
    chosen = frozenset(code for code in codes if solver.boolean_value(take[code]))
    # Each objective value is minutes * scale + count, count < scale, so floor(bound / scale) bounds minutes.
    bound = math.ceil(solver.best_objective_bound - 1e-6) // scale
    return Solution(chosen, name, status == cp_model.OPTIMAL, bound)


def simple_bound(problem: Problem) -> int:
    # Holds without any search: every plan contains the required and in-progress courses with their
    # prerequisites, plus, for the dearest open need, its cheapest candidate with that candidate's.
    base = problem.closure(problem.required | problem.forced)
    extra = [
        min(problem.minutes(problem.closure([code]) - base) for code in need.candidates)
        for need in problem.needs
        if not need.candidates & base
    ]
    return problem.minutes(base) + max(extra, default=0)


def prune(problem: Problem, chosen: Collection[str]) -> set[str]:
    # A plan cut short by the time limit may carry courses it does not need; drop them, longest first.
    kept = set(chosen)
    for code in sorted(kept, key=lambda c: (-problem.courses[c].minutes, c)):
        if code not in problem.forced and not problem.unmet(kept - {code}):
            kept.discard(code)
    return kept


def optimal_plan(
    catalog: Catalog,
    learner: Learner,
    targets: Sequence[Target],
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    workers: int = 1,
) -> Plan:
    started = time.perf_counter()
    problem = build_problem(catalog, learner, targets)
    # The greedy plan seeds the solver and is the fallback, so the answer is never longer than greedy's.
    baseline = greedy_choice(problem)
    solution = solve_exact(problem, time_limit_s=time_limit_s, workers=workers, hint=baseline)

    def cost(codes: Collection[str]) -> tuple[int, int]:
        return problem.minutes(codes), len(codes)

    status = solution.status
    if solution.chosen is not None and solution.proved_optimal:
        chosen: Collection[str] = solution.chosen
    else:
        fallback = prune(problem, baseline)
        found = prune(problem, solution.chosen) if solution.chosen is not None else None
        if found is not None and cost(found) <= cost(fallback):
            chosen = found
        else:
            chosen, status = fallback, f"{status}, greedy plan kept"
    return explain(
        problem,
        chosen,
        status=status,
        proved_optimal=solution.proved_optimal,
        bound_minutes=max(solution.bound_minutes, simple_bound(problem)),
        seconds=time.perf_counter() - started,
    )
