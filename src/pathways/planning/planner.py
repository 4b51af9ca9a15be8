"""Entry point: the shortest course plan to one or more target roles, scheduled into weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pathways.planning.model import Hours, Learner, Plan, Target
from pathways.planning.optimizer import DEFAULT_TIME_LIMIT_S, optimal_plan
from pathways.planning.problem import Catalog
from pathways.planning.schedule import DEFAULT_HOURS_PER_WEEK, Schedule, schedule_plan


@dataclass(frozen=True)
class PlanWithSchedule:
    plan: Plan
    schedule: Schedule

    @property
    def readiness_date(self) -> date | None:
        # Courses alone cannot make the learner ready while some gap or required course is out of reach.
        return self.schedule.finish_date if self.plan.complete else None

    def with_budget(self, hours_per_week: Hours) -> PlanWithSchedule:
        # The plan minimises hours, which no budget changes, so only the weeks move.
        return PlanWithSchedule(
            self.plan, schedule_plan(self.plan, start=self.schedule.start, hours_per_week=hours_per_week)
        )


def plan_for(
    catalog: Catalog,
    learner: Learner,
    targets: Sequence[Target],
    *,
    start: date,
    hours_per_week: Hours = DEFAULT_HOURS_PER_WEEK,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> PlanWithSchedule:
    plan = optimal_plan(catalog, learner, targets, time_limit_s=time_limit_s)
    return PlanWithSchedule(plan, schedule_plan(plan, start=start, hours_per_week=hours_per_week))
