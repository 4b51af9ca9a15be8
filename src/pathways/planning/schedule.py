"""Places planned courses into weeks of a weekly learning budget and dates the finish.

The learner works through one course at a time on a timeline of learning minutes; week n holds minutes
[(n-1)*budget, n*budget). A course may be split across week boundaries (learning hours can be taken in
sittings), so the weeks needed are exactly ceil(total / budget) and a course longer than the budget spans
several weeks. A prerequisite always ends before its dependent starts, possibly earlier in the same week.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pathways.planning.model import Course, Hours, Plan, to_hours, to_minutes
from pathways.planning.problem import topological_order

DEFAULT_HOURS_PER_WEEK = 3


@dataclass(frozen=True)
class ScheduledCourse:
    code: str
    minutes: int
    in_progress: bool
    start_minute: int  # on the learning timeline, from the start date
    end_minute: int
    start_week: int  # 1-based
    end_week: int


@dataclass(frozen=True)
class Week:
    number: int
    starts: date
    allocations: tuple[tuple[str, int], ...]  # (course code, minutes spent on it this week)

    @property
    def minutes(self) -> int:
        return sum(minutes for _, minutes in self.allocations)


@dataclass(frozen=True)
class Schedule:
    start: date
    minutes_per_week: int
    courses: tuple[ScheduledCourse, ...]
    weeks: tuple[Week, ...]

    @property
    def hours_per_week(self) -> Decimal:
        return to_hours(self.minutes_per_week)

    @property
    def weeks_needed(self) -> int:
        return len(self.weeks)

    @property
    def finish_date(self) -> date:
        return self.start + timedelta(weeks=self.weeks_needed)


def budget_minutes(hours_per_week: Hours) -> int:
    minutes = to_minutes(hours_per_week)
    if minutes <= 0:
        raise ValueError(f"the weekly learning budget must be more than zero hours, not {hours_per_week}")
    return minutes


def pack(order: Sequence[tuple[str, int, bool]], minutes_per_week: int, start: date) -> Schedule:
    placed: list[ScheduledCourse] = []
    by_week: dict[int, list[tuple[str, int]]] = {}
    clock = 0
    for code, minutes, in_progress in order:
        begin, end = clock, clock + minutes
        if minutes > 0:
            first, last = begin // minutes_per_week + 1, math.ceil(end / minutes_per_week)
        else:
            # A course of no length sits in the week in which the previous one ended.
            first = last = max(1, math.ceil(begin / minutes_per_week))
        placed.append(ScheduledCourse(code, minutes, in_progress, begin, end, first, last))
        for week in range(first, last + 1):
            spent = min(end, week * minutes_per_week) - max(begin, (week - 1) * minutes_per_week)
            by_week.setdefault(week, []).append((code, max(spent, 0)))
        clock = end
    weeks = tuple(
        Week(number, start + timedelta(weeks=number - 1), tuple(by_week.get(number, ())))
        for number in range(1, max(by_week, default=0) + 1)
    )
    return Schedule(start, minutes_per_week, tuple(placed), weeks)


def schedule_plan(plan: Plan, *, start: date, hours_per_week: Hours = DEFAULT_HOURS_PER_WEEK) -> Schedule:
    # Plan courses are already in a valid order (prerequisites first, in-progress courses first), so a
    # what-if on the budget needs no catalog and no solver.
    order = [(course.code, course.minutes, course.in_progress) for course in plan.courses]
    return pack(order, budget_minutes(hours_per_week), start)


def schedule_courses(
    courses: Sequence[Course],
    *,
    start: date,
    hours_per_week: Hours = DEFAULT_HOURS_PER_WEEK,
    in_progress: Collection[str] = frozenset(),
) -> Schedule:
    by_code = {course.code: course for course in courses}

    def prerequisites_of(code: str) -> tuple[str, ...]:
        # Whoever is already taking a course was let in without waiting for its prerequisites.
        return () if code in in_progress else by_code[code].prerequisites

    def key(code: str) -> tuple[bool, int, str]:
        return (code not in in_progress, by_code[code].level, code)

    order = topological_order(list(by_code), prerequisites_of, key)
    packed = [(code, by_code[code].minutes, code in in_progress) for code in order]
    return pack(packed, budget_minutes(hours_per_week), start)
