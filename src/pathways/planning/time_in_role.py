"""The earliest day a person can be ready for a role, and which limit sets it.

Courses are one limit. The lattice is another: each move has a typical time in the role before it (PSR I
to PSR II 12 months, PSR II to Site Lead 18), so a PSR I who could finish the courses by May is still not
ready for Site Lead before 30 months in role have passed. A role's required certification is a third: no
course dates it, so without a verified, unexpired certificate there is no readiness date at all. The planner
page, the tracker and bench strength all date readiness with `readiness`. Pure: no database.
"""

import calendar
import datetime as dt
import heapq
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

COURSES = "courses"
TIME_IN_ROLE = "time in role"
CERTIFICATION = "certification"

RoleKey = TypeVar("RoleKey", bound=Hashable)  # a role id or a role code


@dataclass(frozen=True)
class Readiness:
    on: dt.date | None  # None: courses cannot close every gap, or a required certification is missing
    binds: str  # COURSES, TIME_IN_ROLE or CERTIFICATION: the limit that sets `on`
    courses_on: dt.date | None  # when the course plan alone would finish
    time_on: dt.date | None  # when the lattice's typical time in role has passed; None: no path, no limit
    lattice_months: int | None  # typical months on the shortest way through the lattice
    missing_certifications: tuple[str, ...] = ()

    @property
    def otherwise_on(self) -> dt.date | None:
        """The date courses and time in role allow, whatever the certificates (None if courses cannot)."""
        if self.courses_on is None:
            return None
        return max(self.courses_on, self.time_on) if self.time_on else self.courses_on

    @property
    def explanation(self) -> str:
        """One sentence on which limit sets the date, for the planner, the tracker and the bench."""
        if self.binds == CERTIFICATION:
            needed = ", ".join(self.missing_certifications)
            otherwise = self.otherwise_on
            after = f" Courses and time in role would allow {otherwise:%-d %B %Y}." if otherwise else ""
            return f"Not ready until a verified certificate is on record: {needed}.{after}"
        if self.on is None:
            return "Courses alone cannot close every gap."
        if self.binds == TIME_IN_ROLE:
            return (
                f"Time in role sets this date: the lattice's usual way takes {self.lattice_months} months "
                f"in role, which pass on {self.on:%-d %B %Y}; the courses could be done sooner."
            )
        if self.time_on is not None:
            return f"The courses set this date; the usual {self.lattice_months} months in role pass first."
        return "The courses set this date."


def add_months(day: dt.date, months: int) -> dt.date:
    # The same day `months` later, or that month's last day when it is shorter (31 January + 1 = 28 February).
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def lattice_months(
    edges: Mapping[tuple[RoleKey, RoleKey], int], start: RoleKey, target: RoleKey
) -> int | None:
    """The fewest typical months from `start` to `target` along the lattice's moves (0 when they are the same
    role), or None when no way leads there: then the lattice says nothing of how long it takes."""
    if start == target:
        return 0
    following: dict[RoleKey, list[tuple[RoleKey, int]]] = {}
    for (source, destination), months in edges.items():
        following.setdefault(source, []).append((destination, months))
    best = {start: 0}
    queue: list[tuple[int, int, RoleKey]] = [(0, 0, start)]
    order = 0  # ties broken by insertion, since roles (ids or codes) need not compare with each other
    while queue:
        months, _, role = heapq.heappop(queue)
        if role == target:
            return months
        if months > best.get(role, months):
            continue
        for destination, step in following.get(role, ()):
            total = months + step
            if total < best.get(destination, total + 1):
                best[destination] = total
                order += 1
                heapq.heappush(queue, (total, order, destination))
    return None


def readiness(
    courses_on: dt.date | None,
    *,
    edges: Mapping[tuple[RoleKey, RoleKey], int],
    current_role: RoleKey,
    role_since: dt.date,
    targets: Iterable[RoleKey],
    missing_certifications: Sequence[str] = (),
) -> Readiness:
    """The later of the course plan's finish and the lattice's time in role for every target; none at all
    while a required certification is missing."""
    months = [m for m in (lattice_months(edges, current_role, t) for t in targets) if m is not None]
    longest = max(months) if months else None
    time_on = add_months(role_since, longest) if longest else None
    missing = tuple(missing_certifications)
    if missing:
        return Readiness(None, CERTIFICATION, courses_on, time_on, longest, missing)
    if courses_on is None or time_on is None or time_on <= courses_on:
        return Readiness(courses_on, COURSES, courses_on, time_on, longest)
    return Readiness(time_on, TIME_IN_ROLE, courses_on, time_on, longest)
