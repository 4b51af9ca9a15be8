"""JSON shapes of the LRS's admin API: completion rejections and resolving them."""

import datetime as dt

from pydantic import BaseModel, Field

from pathways.xapi.models import XapiCompletionRejection


class CompletionRejectionOut(BaseModel):
    id: int
    statement_id: str
    reason_code: str = Field(description="unknown_person, unknown_course, future or before_hire.")
    reason: str
    actor: str = Field(description="The identifier the statement's actor was named by.")
    activity_id: str
    completed_on: dt.date = Field(description="The statement's timestamp, as a date (UTC).")
    score: int | None
    employee_id: int | None = Field(description="The employee it was matched to, if any.")
    course_id: int | None = Field(description="The course it was matched to, if any.")
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None

    @classmethod
    def of(cls, row: XapiCompletionRejection) -> "CompletionRejectionOut":
        return cls(
            id=row.id,
            statement_id=row.statement_id,
            reason_code=row.reason_code,
            reason=row.reason,
            actor=row.actor_key,
            activity_id=row.activity_id,
            completed_on=row.completed_on,
            score=row.score,
            employee_id=row.employee_id,
            course_id=row.course_id,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
            resolution=row.resolution,
        )


class CompletionRejectionsPageOut(BaseModel):
    total: int = Field(description="Rejections matching, across every page.")
    limit: int
    offset: int
    items: list[CompletionRejectionOut]


class ApplyIn(BaseModel):
    employee: str | None = Field(
        default=None,
        max_length=254,
        description="Map the statement's actor to this employee (email or number).",
    )
    course: str | None = Field(
        default=None, max_length=32, description="Map the statement's activity to this course (its code)."
    )


class AppliedOut(BaseModel):
    rejection: CompletionRejectionOut
    others_resolved: int = Field(description="Other open rejections the same mapping settled.")
