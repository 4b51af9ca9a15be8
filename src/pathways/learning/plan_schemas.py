import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from pathways.learning.assignments import HistoryLine
from pathways.learning.import_jobs import EarlierRun
from pathways.learning.imports import ImportReport
from pathways.learning.models import Assignment
from pathways.learning.plan_service import LearningPlan, PlanEntry, Progress

Status = Literal["not started", "in progress", "completed", "waived", "expired"]


class ProgressOut(BaseModel):
    total: int
    completed: int
    waived: int
    in_progress: int
    not_started: int
    overdue: int
    expired: int = Field(description="Completed once, but past its validity: due again.")
    percent: int

    @classmethod
    def of(cls, progress: Progress) -> "ProgressOut":
        return cls(**vars(progress), percent=progress.percent)


class PlanEntryOut(BaseModel):
    course: str
    title: str
    hours: float
    modality: str
    reasons: list[str]
    sources: list[Literal["role", "assignment", "tracker"]]
    status: Status
    due_on: dt.date | None
    overdue: bool
    due_soon: bool = Field(
        description="Due within the next 14 days and not yet done, or completed but expiring within 14 days."
    )
    expires_on: dt.date | None = Field(
        description="Recertification: when the latest completion stops counting and the course is due again."
    )
    completed_on: dt.date | None
    score: int | None
    compliance: bool = Field(description="Required: by the role or assigned.")
    career: bool = Field(description="Chosen in a career tracker.")
    counts_toward_both: bool
    assignment_id: int | None
    awaiting_confirmation: bool

    @classmethod
    def of(cls, entry: PlanEntry) -> "PlanEntryOut":
        return cls(
            course=entry.course.code,
            title=entry.course.title,
            hours=float(entry.course.hours),
            modality=entry.course.modality,
            reasons=entry.reasons,
            sources=entry.sources,
            status=entry.status,
            due_on=entry.due_on,
            overdue=entry.overdue,
            due_soon=entry.due_soon,
            completed_on=entry.completed_on,
            score=entry.score,
            compliance=entry.compliance,
            career=entry.career,
            counts_toward_both=entry.counts_toward_both,
            assignment_id=entry.assignment.id if entry.assignment else None,
            awaiting_confirmation=entry.awaiting_confirmation,
            expires_on=entry.expires_on,
        )


class PlanGroupOut(BaseModel):
    progress: ProgressOut
    entries: list[PlanEntryOut]


class EmployeeRefOut(BaseModel):
    id: int
    name: str
    employee_number: str


class LearningPlanOut(BaseModel):
    employee: EmployeeRefOut
    role: str
    today: dt.date
    required: PlanGroupOut = Field(description="Compliance: required by the role or assigned.")
    chosen: PlanGroupOut = Field(description="Career: chosen in the employee's career trackers.")
    counts_toward_both: list[str] = Field(description="Codes of required courses also chosen for a career.")

    @classmethod
    def of(cls, plan: LearningPlan) -> "LearningPlanOut":
        e = plan.employee
        return cls(
            employee=EmployeeRefOut(id=e.id, name=e.name, employee_number=e.employee_number),
            role=e.role.name,
            today=plan.today,
            required=PlanGroupOut(
                progress=ProgressOut.of(plan.required_progress),
                entries=[PlanEntryOut.of(x) for x in plan.required],
            ),
            chosen=PlanGroupOut(
                progress=ProgressOut.of(plan.chosen_progress),
                entries=[PlanEntryOut.of(x) for x in plan.chosen],
            ),
            counts_toward_both=[entry.course.code for entry in plan.both],
        )


class TargetIn(BaseModel):
    type: Literal["employee", "team", "site", "role"]
    id: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="Employee id (employee; team = that manager's reports).",
    )
    code: str | None = Field(
        default=None,
        max_length=254,
        description="Site or role code; for an employee, their employee number or email.",
    )

    @model_validator(mode="after")
    def one_reference(self) -> "TargetIn":
        if (self.id is None) == (self.code is None):
            raise ValueError("give exactly one of id or code")
        if self.type in ("site", "role") and self.code is None:
            raise ValueError(f"a {self.type} is named by its code")
        return self

    @property
    def ref(self) -> str:
        return str(self.id) if self.id is not None else str(self.code)


class AssignmentIn(BaseModel):
    course: str = Field(min_length=1, max_length=32, description="Course code, e.g. PRIV-102.")
    target: TargetIn
    due_on: dt.date
    reason: str = Field(min_length=1, max_length=500)


class AssignResultOut(BaseModel):
    course: str
    target: str
    assigned: list[EmployeeRefOut]
    already_assigned: list[EmployeeRefOut]
    out_of_scope: int = Field(description="People the target covers who are outside your scope: skipped.")


class AssignmentPatch(BaseModel):
    due_on: dt.date | None = None
    action: Literal["cancel", "waive"] | None = None
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def one_change(self) -> "AssignmentPatch":
        if (self.due_on is None) == (self.action is None):
            raise ValueError("give either a new due_on or an action (cancel or waive), not both")
        if self.action == "waive" and not (self.reason or "").strip():
            raise ValueError("a waiver needs a reason")
        return self


class AssignmentEventOut(BaseModel):
    model_config = {"from_attributes": True}

    at: dt.datetime
    action: str
    due_on: dt.date | None
    reason: str
    by: str = Field(description="Who acted: the assigner, or the person who moved, cancelled or waived it")


class AssignmentOut(BaseModel):
    id: int
    employee_id: int
    course: str
    state: Literal["open", "cancelled", "waived"]
    due_on: dt.date
    reason: str
    state_reason: str
    history: list[AssignmentEventOut]

    @classmethod
    def of(cls, row: Assignment, course_code: str, events: list[HistoryLine]) -> "AssignmentOut":
        return cls(
            id=row.id,
            employee_id=row.employee_id,
            course=course_code,
            state=row.state,
            due_on=row.due_on,
            reason=row.reason,
            state_reason=row.state_reason,
            history=[AssignmentEventOut.model_validate(e) for e in events],
        )


class CompletionIn(BaseModel):
    course: str = Field(min_length=1, max_length=32)
    completed_at: dt.date
    score: int | None = Field(default=None, ge=0, le=100)
    employee_id: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="Someone in your scope; yourself if left out."
    )


class CompletionOut(BaseModel):
    course: str
    employee_id: int
    outcome: Literal["recorded", "already recorded", "awaiting confirmation"]
    claim_id: int | None


class RejectionOut(BaseModel):
    row: int
    reason: str


class ImportReportOut(BaseModel):
    dry_run: bool
    rows: int
    new: int = Field(description="Recorded (or, in a dry run, to be recorded).")
    known: int = Field(description="Already recorded before this import: unchanged.")
    rejected: int
    rejections: list[RejectionOut] = Field(description="The first 1,000 rejected rows, with the reason.")
    earlier_run: str | None = Field(
        default=None,
        description="An earlier import of the same file that stopped part way: what it had recorded (kept, "
        "and counted here as already known).",
    )

    @classmethod
    def of(cls, report: ImportReport, earlier: EarlierRun | None = None) -> "ImportReportOut":
        return cls(
            dry_run=report.dry_run,
            rows=report.rows,
            new=report.new,
            known=report.known,
            rejected=report.rejected,
            rejections=[RejectionOut(row=r.row, reason=r.reason) for r in report.rejections],
            earlier_run=earlier.note() if earlier else None,
        )
