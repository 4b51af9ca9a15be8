import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class EmployeeRefOut(BaseModel):
    id: int
    name: str


class TrackedRoleOut(BaseModel):
    tracker_id: int
    role: str
    role_name: str
    readiness_percent: int
    awaiting_review: bool


class ConversationOut(BaseModel):
    tracker_id: int
    role_name: str
    kind: Literal["requested", "follow-up"]
    on: dt.date | None


class TeamMemberOut(BaseModel):
    id: int
    name: str
    employee_number: str
    role: str
    role_name: str
    site: str
    site_name: str
    manager: str
    role_since: dt.date
    months_in_role: int
    tracking: list[TrackedRoleOut]
    overdue_required: int
    open_required: int
    awaiting_review: int
    conversations: list[ConversationOut]


class TeamOut(BaseModel):
    manager: EmployeeRefOut | None
    scope: str
    total: int
    too_many: bool = Field(description="True when the scope is too large to list: narrow it with filters.")
    members: list[TeamMemberOut]


class RatingItemIn(BaseModel):
    competency: str = Field(max_length=64)
    level: int = Field(ge=0, le=4)
    note: str = Field(default="", max_length=1000)


class RatingsIn(BaseModel):
    kind: Literal["self", "manager"] | None = Field(
        default=None, description="Omitted: 'self' when rating yourself, otherwise 'manager'."
    )
    ratings: list[RatingItemIn] = Field(min_length=1, max_length=60)


class RatingOut(BaseModel):
    id: int
    competency: str
    competency_name: str
    kind: str
    level: int
    note: str
    rated_by: str | None
    rated_at: dt.datetime


class SideBySideOut(BaseModel):
    competency: str
    name: str
    required_by_role: int | None
    self_level: int | None
    self_note: str
    manager_level: int | None
    manager_note: str
    current_level: int
    basis: str


class RatingsOut(BaseModel):
    employee: EmployeeRefOut
    competencies: list[SideBySideOut]
    history: list[RatingOut]


class ObservationIn(BaseModel):
    employee_id: int = Field(ge=1, le=2_147_483_647)
    competency: str = Field(max_length=64)
    level: int = Field(ge=1, le=4)
    note: str = Field(min_length=1, max_length=1000)
    observed_on: dt.date | None = Field(default=None, description="Defaults to today.")


class ObservationOut(BaseModel):
    id: int
    employee: EmployeeRefOut
    competency: str
    competency_name: str
    level: int
    note: str
    observed_by: str | None
    observed_on: dt.date


class TemplateItemOut(BaseModel):
    code: str
    title: str
    detail: str
    due_days: int


class TemplateOut(BaseModel):
    id: int
    name: str
    role: str
    site_type: str
    items: list[TemplateItemOut]


class OnboardingStartIn(BaseModel):
    employee_id: int = Field(ge=1, le=2_147_483_647)
    template_id: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="Omitted: the template for the person's role and site type.",
    )
    mentor_employee_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    started_on: dt.date | None = Field(default=None, description="Defaults to today.")


class OnboardingPatchIn(BaseModel):
    mentor_employee_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class OnboardingItemPatchIn(BaseModel):
    due_on: dt.date


class SignOffIn(BaseModel):
    note: str = Field(default="", max_length=1000)


class OnboardingItemOut(BaseModel):
    code: str
    title: str
    detail: str
    # to_do, then done (by the new hire), then signed_off (by the site lead)
    state: Literal["to_do", "done", "signed_off"]
    due_on: dt.date
    done_on: dt.date | None
    signed_off_at: dt.datetime | None
    signed_off_by: str
    note: str
    overdue: bool


class OnboardingPlanOut(BaseModel):
    employee: EmployeeRefOut
    site: str
    template_name: str
    mentor: EmployeeRefOut | None
    started_on: dt.date
    steps: int
    signed_off: int
    overdue: int
    percent: int
    items: list[OnboardingItemOut]


class BenchCountsOut(BaseModel):
    ready_now: int
    within_6_months: int
    later: int


class BenchGroupOut(BaseModel):
    code: str
    name: str
    counts: BenchCountsOut


class BenchRegionOut(BenchGroupOut):
    sites: list[BenchGroupOut]


class BenchCandidateOut(BaseModel):
    employee: EmployeeRefOut
    current_role: str
    site: str
    region: str
    months_in_role: int
    typical_months: int | None
    tracking: bool
    ready_on: dt.date | None
    course_hours: float
    bucket: Literal["now", "soon", "later"]


class BenchRoleOut(BaseModel):
    role: str
    role_name: str
    counts: BenchCountsOut
    regions: list[BenchRegionOut]
    candidates: list[BenchCandidateOut]


class BenchOut(BaseModel):
    method: Literal["exact", "estimate"]
    method_text: str
    today: dt.date
    region: str | None
    roles: list[BenchRoleOut]


class RoleChangeIn(BaseModel):
    role: str = Field(max_length=64)
    effective_on: dt.date | None = Field(default=None, description="Defaults to today.")
    reason: str = Field(default="", max_length=500)


class EmployeeRoleOut(BaseModel):
    id: int
    name: str
    role: str
    role_name: str
    role_since: dt.date


class OnboardingStatusOut(BaseModel):
    employee: EmployeeRefOut
    plan: OnboardingPlanOut | None
    suggested_template: TemplateOut | None
