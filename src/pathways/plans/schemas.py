import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from pathways.errors import shown

# The weekly learning budget, one rule for the API, the plan page, the tracker's suggestion and the CLI. Half
# an hour is the least that moves a plan forward in whole weeks that mean something (0.01 h a week dated
# readiness in the 2300s); 40 is a full working week. Two decimals at most: the planner counts whole minutes.
HOURS_PER_WEEK_MIN = Decimal("0.5")
HOURS_PER_WEEK_MAX = Decimal(40)
HOURS_PER_WEEK_DEFAULT = Decimal(3)
HOURS_PER_WEEK_STEP = Decimal("0.01")
PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


class HoursPerWeekError(ValueError):
    pass


def hours_per_week(raw: object) -> Decimal:
    """The budget from what was sent (a JSON number, form text, a CLI argument), or HoursPerWeekError saying
    the rule and what was sent instead."""
    hours: Decimal | None = None
    if isinstance(raw, str):
        # Typed text is a plain decimal number: not 1e1, not +3, not 3,5.
        hours = Decimal(raw.strip()) if PLAIN_NUMBER.fullmatch(raw.strip()) else None
    elif isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):  # JSON true is no number
        try:
            hours = Decimal(str(raw))
        except InvalidOperation:
            hours = None
    if (
        hours is None
        or not hours.is_finite()
        or not HOURS_PER_WEEK_MIN <= hours <= HOURS_PER_WEEK_MAX
        or hours != hours.quantize(HOURS_PER_WEEK_STEP)
    ):
        raise HoursPerWeekError(
            f"Hours per week must be a number from {HOURS_PER_WEEK_MIN} to {HOURS_PER_WEEK_MAX} with at most "
            f"two decimals, not {shown(raw)}."
        )
    return hours


def _api_hours(raw: object) -> Decimal:
    try:
        return hours_per_week(raw)
    except HoursPerWeekError as exc:
        # A custom error's message is shown as it is, without pydantic's "Value error, " in front.
        raise PydanticCustomError("hours_per_week", str(exc)) from None


HoursPerWeek = Annotated[
    Decimal,
    BeforeValidator(_api_hours),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": float(HOURS_PER_WEEK_MIN),
            "maximum": float(HOURS_PER_WEEK_MAX),
            "description": "Learning hours a week, with at most two decimals.",
        }
    ),
]


class OptimizeRequest(BaseModel):
    employee_id: int | None = Field(default=None, description="Whose plan; yourself when omitted.")
    roles: list[str] = Field(min_length=1, max_length=5, description="Target role codes.")
    hours_per_week: HoursPerWeek = Field(
        default=HOURS_PER_WEEK_DEFAULT, json_schema_extra={"default": int(HOURS_PER_WEEK_DEFAULT)}
    )
    in_progress: list[str] | None = Field(
        default=None,
        max_length=50,
        description="Course codes already started; omitted: the courses the employee marked started in their "
        "learning plan. Send [] to plan as if none were started.",
    )


class PlannedCourseOut(BaseModel):
    code: str
    title: str
    hours: float
    level: int
    modality: str
    in_progress: bool
    reasons: list[str]
    serves: list[str]
    first_week: int
    last_week: int
    starts_on: dt.date
    ends_on: dt.date


class GapOut(BaseModel):
    competency: str
    required_level: int
    current_level: int
    role: str
    best_course_level: int
    message: str


class MissingCourseOut(BaseModel):
    code: str
    role: str
    message: str


class PlanOut(BaseModel):
    employee_id: int
    roles: list[str]
    hours_per_week: float
    courses: list[PlannedCourseOut]
    total_hours: float
    course_count: int
    proved_optimal: bool
    bound_hours: float
    solver_status: str
    solve_ms: float
    weeks_needed: int
    readiness_date: dt.date | None = Field(
        description="The later of courses_ready_date and time_in_role_ready_date; null while courses cannot "
        "close every gap or a required certification is missing."
    )
    readiness_binds: str = Field(
        description='What sets readiness_date: "courses", "time in role" or "certification".'
    )
    readiness_explanation: str
    courses_ready_date: dt.date | None = Field(description="When the course plan alone would be done.")
    time_in_role_ready_date: dt.date | None = Field(
        description="When the lattice's typical months in role on the way to the targets have passed."
    )
    lattice_months: int | None = Field(description="Typical months in role on the lattice's shortest way.")
    missing_certifications: list[str]
    shared_courses: list[str]
    unclosable_gaps: list[GapOut]
    missing_courses: list[MissingCourseOut]
