import datetime as dt

from pydantic import BaseModel, Field

from pathways.trackers.imports import ImportPreview
from pathways.trackers.proposal import Change
from pathways.trackers.views import TrackerView


class TrackerCreate(BaseModel):
    role: str = Field(
        min_length=1, max_length=64, description="Code of the target role, e.g. psr-2-site-lead"
    )


class PlanItemIn(BaseModel):
    course: str = Field(min_length=1, max_length=32, description="Course code")
    quarter: str = Field(min_length=6, max_length=8, description="Like 2027-Q1")


class GoalIn(BaseModel):
    id: int | None = Field(default=None, description="An existing goal's id; omit for a new goal")
    text: str = Field(min_length=1, max_length=300)
    target_date: dt.date | None = None
    done: bool = False


class TrackerPatch(BaseModel):
    """Replace the plan, the goals or the notes (whichever are given). With `revision`, the change is refused
    when the tracker has moved on since that revision."""

    revision: int | None = Field(default=None, ge=1)
    plan: list[PlanItemIn] | None = Field(default=None, max_length=200)
    goals: list[GoalIn] | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=5000)
    certifications_held: list[str] | None = Field(default=None, max_length=20)


class CompetencyGapOut(BaseModel):
    competency: str
    name: str
    required_level: int
    current_level: int
    basis: str
    self_rating: int | None
    manager_rating: int | None
    gap: int


class ReadinessOut(BaseModel):
    proportional: float = Field(description="Sum of min(current, required) over the sum of required levels")
    levels_reached: int
    levels_required: int
    competencies_met: int
    competencies_required: int


class TimeInRoleOut(BaseModel):
    current_role: str
    months: int
    typical_months: int | None
    met: bool | None


class CertificationOut(BaseModel):
    name: str
    required: bool
    held: bool
    verified: bool


class RequiredCourseOut(BaseModel):
    code: str
    title: str
    completed: bool
    planned_quarter: str | None


class PlannedCourseOut(BaseModel):
    course: str
    title: str
    quarter: str
    hours: float
    status: str
    source: str


class GoalOut(BaseModel):
    id: int
    text: str
    target_date: dt.date | None
    done: bool


class ConversationOut(BaseModel):
    id: int
    status: str
    questions: str
    requested_at: dt.datetime
    held_on: dt.date | None
    outcome: str
    next_steps: str
    follow_up_on: dt.date | None


class CommentOut(BaseModel):
    author: str
    kind: str
    body: str
    created_at: dt.datetime


class TrackerSummaryOut(BaseModel):
    id: int
    employee_id: int
    role: str
    role_name: str
    revision: int
    readiness: ReadinessOut
    gaps: int
    courses_planned: int
    approved: bool


class TrackerOut(TrackerSummaryOut):
    competencies: list[CompetencyGapOut]
    time_in_role: TimeInRoleOut
    certifications: list[CertificationOut]
    required_courses: list[RequiredCourseOut]
    plan: list[PlannedCourseOut]
    goals: list[GoalOut]
    notes: str
    conversations: list[ConversationOut]
    comments: list[CommentOut]
    approved_revision: int | None
    warnings: list[str] = Field(
        default=[],
        description="Courses planned before, or without, a prerequisite; the plan is kept as it is",
    )


class ChangeOut(BaseModel):
    area: str
    action: str
    subject: str
    before: str
    after: str
    text: str


class ImportPreviewOut(BaseModel):
    applied: bool
    changes: list[ChangeOut]
    warnings: list[str]
    exported_revision: int
    current_revision: int
    changed_since_export: list[str] = Field(
        description="What changed in Pathways since the workbook was exported"
    )
    needs_confirmation: bool


def readiness_out(view: TrackerView) -> ReadinessOut:
    r = view.analysis.readiness
    return ReadinessOut(
        proportional=round(r.proportional, 4),
        levels_reached=r.reached,
        levels_required=r.required,
        competencies_met=r.met,
        competencies_required=r.count,
    )


def summary_out(view: TrackerView) -> TrackerSummaryOut:
    t = view.tracker
    return TrackerSummaryOut(
        id=t.id,
        employee_id=t.employee_id,
        role=t.role.code,
        role_name=t.role.name,
        revision=t.revision,
        readiness=readiness_out(view),
        gaps=len(view.analysis.gaps),
        courses_planned=len(t.courses),
        approved=view.approved_current,
    )


def tracker_out(view: TrackerView, sees_notes: bool = True) -> TrackerOut:
    # The private notes are the employee's own: anyone else reads an empty string.
    t, a = view.tracker, view.analysis
    return TrackerOut(
        **summary_out(view).model_dump(),
        competencies=[
            CompetencyGapOut(
                competency=c.code,
                name=c.name,
                required_level=c.required,
                current_level=c.current,
                basis=c.basis,
                self_rating=c.self_rating,
                manager_rating=c.manager_rating,
                gap=c.gap,
            )
            for c in a.competencies
        ],
        time_in_role=TimeInRoleOut(
            current_role=a.time_in_role.current_role,
            months=a.time_in_role.months,
            typical_months=a.time_in_role.typical_months,
            met=a.time_in_role.met,
        ),
        certifications=[
            CertificationOut(name=c.name, required=c.required, held=c.held, verified=c.verified)
            for c in a.certifications
        ],
        required_courses=[
            RequiredCourseOut(
                code=c.code, title=c.title, completed=c.completed, planned_quarter=c.planned_quarter
            )
            for c in a.required_courses
        ],
        plan=[
            PlannedCourseOut(
                course=i.course.code,
                title=i.course.title,
                quarter=i.quarter,
                hours=float(i.course.hours),
                status=view.status(i),
                source=i.source,
            )
            for i in view.plan
        ],
        goals=[GoalOut(id=g.id, text=g.text, target_date=g.target_date, done=g.done) for g in t.goals],
        notes=t.notes if sees_notes else "",
        conversations=[
            ConversationOut(
                id=c.id,
                status=c.status,
                questions=c.questions,
                requested_at=c.requested_at,
                held_on=c.held_on,
                outcome=c.outcome,
                next_steps=c.next_steps,
                follow_up_on=c.follow_up_on,
            )
            for c in t.conversations
        ],
        comments=[
            CommentOut(author=c.author_name, kind=c.kind, body=c.body, created_at=c.created_at)
            for c in t.comments
        ],
        approved_revision=t.approved_revision,
        warnings=view.warnings,
    )


def change_out(change: Change) -> ChangeOut:
    return ChangeOut(
        area=change.area,
        action=change.action,
        subject=change.subject,
        before=change.before,
        after=change.after,
        text=change.text,
    )


def preview_out(result: ImportPreview, applied: bool) -> ImportPreviewOut:
    return ImportPreviewOut(
        applied=applied,
        changes=[change_out(c) for c in result.changes],
        warnings=result.edits.warnings,
        exported_revision=result.edits.exported_revision,
        current_revision=result.current_revision,
        changed_since_export=[
            f"Revision {c.revision}: {c.summary} ({c.actor_name})" for c in result.changed_since_export
        ],
        needs_confirmation=result.stale and not applied,
    )
