"""JSON shapes of the overseers' API: the team compliance view and the completions awaiting confirmation."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from pathways.learning.compliance import CompliancePage, ComplianceRow
from pathways.learning.models import CompletionClaim
from pathways.learning.plan_schemas import EmployeeRefOut, Status


class ComplianceRowOut(BaseModel):
    employee: EmployeeRefOut
    site: str
    role: str
    course: str
    course_title: str
    due_on: dt.date = Field(description="For an expired course: the date its latest completion expired.")
    days_overdue: int
    status: Status
    why: str = Field(description="Why the course is required: the role, an assignment, or both.")
    expires_on: dt.date | None = Field(
        description="Recertification: when the latest completion stops counting (or stopped)."
    )

    @classmethod
    def of(cls, row: ComplianceRow) -> "ComplianceRowOut":
        return cls(
            employee=EmployeeRefOut(
                id=row.employee_id, name=row.employee, employee_number=row.employee_number
            ),
            site=row.site,
            role=row.role,
            course=row.course_code,
            course_title=row.course_title,
            due_on=row.due_on,
            days_overdue=row.days_overdue,
            status=row.status,
            why=row.why,
            expires_on=row.expires_on,
        )


class CompliancePageOut(BaseModel):
    today: dt.date
    show: Literal["overdue", "due-soon", "open"]
    sort: str
    order: Literal["asc", "desc"]
    total: int = Field(description="Rows matching, across every page.")
    limit: int
    offset: int
    items: list[ComplianceRowOut]

    @classmethod
    def of(
        cls, page: CompliancePage, today: dt.date, show: str, sort: str, order: str
    ) -> "CompliancePageOut":
        return cls(
            today=today,
            show=show,
            sort=sort,
            order=order,
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            items=[ComplianceRowOut.of(row) for row in page.rows],
        )


class ClaimOut(BaseModel):
    id: int
    employee: EmployeeRefOut
    course: str
    course_title: str
    completed_at: dt.date
    score: int | None
    claimed_at: dt.datetime

    @classmethod
    def of(cls, claim: CompletionClaim) -> "ClaimOut":
        e = claim.employee
        return cls(
            id=claim.id,
            employee=EmployeeRefOut(id=e.id, name=e.name, employee_number=e.employee_number),
            course=claim.course.code,
            course_title=claim.course.title,
            completed_at=claim.completed_at,
            score=claim.score,
            claimed_at=claim.claimed_at,
        )


class ClaimsPageOut(BaseModel):
    total: int = Field(description="Completions waiting for your confirmation, across every page.")
    limit: int
    offset: int
    items: list[ClaimOut]


class RejectIn(BaseModel):
    note: str = Field(min_length=1, max_length=500, description="Why: the employee sees it in their inbox.")


class ClaimDecisionOut(BaseModel):
    id: int
    state: Literal["confirmed", "rejected"]
    note: str
