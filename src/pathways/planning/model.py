from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

Hours = Decimal | float | int

MIN_LEVEL = 1
MAX_LEVEL = 4


def to_minutes(hours: Hours) -> int:
    # Solvers and the scheduler work in whole minutes so that sums are exact.
    if isinstance(hours, float) and not math.isfinite(hours):
        raise ValueError(f"hours must be a finite number, not {hours}")
    value = Decimal(str(hours))
    if not value.is_finite():
        raise ValueError(f"hours must be a finite number, not {hours}")
    return int((value * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _frozen_levels(levels: Mapping[str, int], what: str) -> Mapping[str, int]:
    for competency, level in levels.items():
        if not 0 <= level <= MAX_LEVEL:
            raise ValueError(f"{what} level for {competency!r} must be 0..{MAX_LEVEL}, not {level}")
    return MappingProxyType(dict(levels))


@dataclass(frozen=True)
class Course:
    code: str
    hours: Hours
    level: int  # every competency the course builds is evidenced up to this level
    competencies: frozenset[str] = frozenset()
    prerequisites: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not MIN_LEVEL <= self.level <= MAX_LEVEL:
            raise ValueError(f"course {self.code}: level must be {MIN_LEVEL}..{MAX_LEVEL}, not {self.level}")
        if to_minutes(self.hours) < 0:
            raise ValueError(f"course {self.code}: hours must not be negative")
        object.__setattr__(self, "competencies", frozenset(self.competencies))
        object.__setattr__(self, "prerequisites", tuple(self.prerequisites))

    @property
    def minutes(self) -> int:
        return to_minutes(self.hours)


@dataclass(frozen=True)
class Target:
    code: str
    competencies: Mapping[str, int]  # competency -> required level
    required_courses: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "competencies", _frozen_levels(self.competencies, f"role {self.code}"))
        object.__setattr__(self, "required_courses", frozenset(self.required_courses))


@dataclass(frozen=True)
class Learner:
    completed: frozenset[str] = frozenset()
    # The current level per competency (0 when absent) by the shared rule of competencies.evidence: the
    # latest manager rating where there is one, else the highest evidence, completed courses included.
    # The planner takes it as given and never raises it with past completions, which would let a course
    # overrule a manager's later rating.
    levels: Mapping[str, int] = field(default_factory=dict)
    in_progress: frozenset[str] = frozenset()
    # Completed once, but past the course's validity: the prerequisite it was is still met, and it is never
    # planned again to close a gap (its evidence is already in `levels`), but a target that requires the
    # course needs it retaken.
    expired: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "completed", frozenset(self.completed))
        object.__setattr__(self, "levels", _frozen_levels(self.levels, "learner"))
        object.__setattr__(self, "in_progress", frozenset(self.in_progress) - frozenset(self.completed))
        object.__setattr__(self, "expired", frozenset(self.expired) - frozenset(self.completed))

    @property
    def taken(self) -> frozenset[str]:
        """Every course done at some time, expired or not: none of them is a missing prerequisite."""
        return self.completed | self.expired


@dataclass(frozen=True)
class GapReason:
    competency: str
    from_level: int
    to_level: int
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"closes {self.competency} {self.from_level}→{self.to_level} for {', '.join(self.targets)}"


@dataclass(frozen=True)
class RequiredReason:
    target: str
    retake: bool = False  # completed before, but the completion has expired

    def __str__(self) -> str:
        if self.retake:
            return f"required by role {self.target}; the earlier completion has expired"
        return f"required by role {self.target}"


@dataclass(frozen=True)
class PrerequisiteReason:
    course: str  # the planned course that needs this one first

    def __str__(self) -> str:
        return f"prerequisite of course {self.course}"


@dataclass(frozen=True)
class InProgressReason:
    def __str__(self) -> str:
        return "already in progress"


Reason = GapReason | RequiredReason | PrerequisiteReason | InProgressReason


@dataclass(frozen=True)
class PlannedCourse:
    code: str
    minutes: int
    level: int
    in_progress: bool
    reasons: tuple[Reason, ...]
    targets: frozenset[str]  # roles it serves, directly or as a prerequisite of a course that does

    @property
    def hours(self) -> Decimal:
        return to_hours(self.minutes)


@dataclass(frozen=True)
class UnclosableGap:
    competency: str
    required_level: int
    target: str
    current_level: int
    best_course_level: int  # highest level any takeable course reaches in it; 0 when none builds it

    def __str__(self) -> str:
        return (
            f"{self.target} needs {self.competency} at level {self.required_level}; "
            f"no available course builds it beyond level {self.best_course_level}"
        )


@dataclass(frozen=True)
class MissingCourse:
    code: str
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.target} requires course {self.code}, which cannot be planned: {self.why}"


@dataclass(frozen=True)
class Plan:
    targets: tuple[str, ...]
    courses: tuple[PlannedCourse, ...]
    # In-progress courses count at their full length: completions tell us nothing of how far along they are,
    # so the readiness date errs late rather than early.
    total_minutes: int
    bound_minutes: int  # proven lower bound on total_minutes; equal to it when proved_optimal
    proved_optimal: bool
    status: str
    solve_seconds: float
    unclosable: tuple[UnclosableGap, ...] = ()
    missing: tuple[MissingCourse, ...] = ()

    @property
    def total_hours(self) -> Decimal:
        return to_hours(self.total_minutes)

    @property
    def bound_hours(self) -> Decimal:
        return to_hours(self.bound_minutes)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(course.code for course in self.courses)

    @property
    def shared(self) -> tuple[PlannedCourse, ...]:
        return tuple(course for course in self.courses if len(course.targets) > 1)

    @property
    def complete(self) -> bool:
        # False when some gap or required course is beyond what the catalog can give.
        return not self.unclosable and not self.missing
