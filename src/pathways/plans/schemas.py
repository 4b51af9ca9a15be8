import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class OptimizeRequest(BaseModel):
    employee_id: int | None = Field(default=None, description="Whose plan; yourself when omitted.")
    roles: list[str] = Field(min_length=1, max_length=5, description="Target role codes.")
    hours_per_week: Decimal = Field(default=Decimal(3), gt=0, le=40, decimal_places=2)
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
    readiness_date: dt.date | None
    shared_courses: list[str]
    unclosable_gaps: list[GapOut]
    missing_courses: list[MissingCourseOut]
