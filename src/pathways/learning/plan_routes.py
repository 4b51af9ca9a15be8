"""Learning plans: pages under /learning and the JSON API. Thin: the rules live in the service modules."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth import audience
from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.auth.permissions import can_assign_learning
from pathways.badges import service as badges
from pathways.badges.routes import BadgeAwarder
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.learning import assignments, claims, import_jobs, import_uploads, oversight_routes, plan_forms
from pathways.learning import plan_service as plans
from pathways.learning.imports import MAX_UPLOAD_BYTES
from pathways.learning.models import Assignment, Course
from pathways.learning.plan_schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    AssignResultOut,
    CompletionIn,
    CompletionOut,
    EmployeeRefOut,
    ImportReportOut,
    LearningPlanOut,
)
from pathways.org import scope
from pathways.org.models import Employee
from pathways.org.scope import InScope, visible_employee
from pathways.routing import CSRF, RowId, today
from pathways.uploads import FORM_OVERHEAD_BYTES, multipart_body, read_upload
from pathways.web import render

router = APIRouter()
UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
NO_RECORD = "Your account is not linked to an employee record, so it has no learning plan."
DONE = {
    "started": "Marked as started.",
    "recorded": "Completion recorded.",
    "already recorded": "That completion was already recorded.",
    "awaiting confirmation": "Sent to your supervisor to confirm: required courses need their confirmation.",
    "moved": "Due date moved.",
    "cancelled": "Assignment cancelled.",
    "waived": "Course waived.",
    "confirmed": "Completion confirmed.",
    "rejected": "Completion not confirmed; the employee has been told why.",
}


def own_employee(session: Session, user: User) -> Employee:
    return scope.own_employee(session, user, NO_RECORD)


def plan_page_for(
    request: Request, session: Session, user: User, employee: Employee, done: str | None
) -> HTMLResponse:
    plan = plans.build_plan(session, employee, today())
    own = user.employee_id == employee.id
    context = {
        "plan": plan,
        "own": own,
        "can_manage": can_assign_learning(user) and not own,
        "done": DONE.get(done or ""),
        "audience": audience.learning_plan_audience(session, user, employee),
    }
    return render(request, "learning/plan.html", context)


# ---------------------------------------------------------------- pages
@router.get("/learning", response_class=HTMLResponse, include_in_schema=False)
def my_plan_page(
    request: Request, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    if user.employee_id is None:
        return render(request, "learning/no_plan.html", {"message": NO_RECORD})
    return plan_page_for(request, session, user, own_employee(session, user), done)


@router.get("/learning/employees/{employee_id}", response_class=HTMLResponse, include_in_schema=False)
def employee_plan_page(
    request: Request, employee: InScope, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    return plan_page_for(request, session, user, employee, done)


def back_to(employee_id: int, user: User, done: str) -> RedirectResponse:
    base = "/learning" if user.employee_id == employee_id else f"/learning/employees/{employee_id}"
    return RedirectResponse(f"{base}?done={done.replace(' ', '+')}", status_code=303)


@router.post("/learning/started", include_in_schema=False, dependencies=CSRF)
def mark_started(
    session: DbSession, user: CurrentUser, course: Annotated[str, Form(max_length=32)]
) -> Response:
    employee = own_employee(session, user)
    found = assignments.get_course(session, course)
    plans.mark_started(session, employee_id=employee.id, course_id=found.id, on=today(), source="manual")
    return back_to(employee.id, user, "started")


@router.post("/learning/completions", include_in_schema=False, dependencies=CSRF)
def mark_completed_form(
    session: DbSession,
    user: CurrentUser,
    form: Annotated[plan_forms.CompletionForm, Form()],
    award: BadgeAwarder,
) -> Response:
    employee_id = form.employee()
    employee = scope.me_or_named(session, user, employee_id or None, NO_RECORD)
    course = assignments.get_course(session, form.course)
    outcome = claims.mark_completed(
        session, user, employee, course, completed_at=form.date(), score=form.score_value(), today=today()
    )
    award(employee.id)
    return back_to(employee.id, user, outcome.outcome)


@router.post("/learning/assignments/{assignment_id}/due", include_in_schema=False, dependencies=CSRF)
def move_due_form(
    assignment_id: RowId,
    session: DbSession,
    user: CurrentUser,
    form: Annotated[plan_forms.ChangeForm, Form()],
) -> Response:
    row = assignments.move_due(session, user, assignment_id, form.due(), today(), form.reason)
    return back_to(row.employee_id, user, "moved")


@router.post("/learning/assignments/{assignment_id}/cancel", include_in_schema=False, dependencies=CSRF)
def cancel_form(
    assignment_id: RowId,
    session: DbSession,
    user: CurrentUser,
    form: Annotated[plan_forms.ChangeForm, Form()],
) -> Response:
    row = assignments.cancel(session, user, assignment_id, form.reason)
    return back_to(row.employee_id, user, "cancelled")


@router.post("/learning/assignments/{assignment_id}/waive", include_in_schema=False, dependencies=CSRF)
def waive_form(
    assignment_id: RowId,
    session: DbSession,
    user: CurrentUser,
    form: Annotated[plan_forms.ChangeForm, Form()],
) -> Response:
    row = assignments.waive(session, user, assignment_id, form.reason)
    return back_to(row.employee_id, user, "waived")


@router.post("/learning/employees/{employee_id}/waive", include_in_schema=False, dependencies=CSRF)
def waive_requirement_form(
    employee_id: RowId, session: DbSession, user: CurrentUser,
    course: Annotated[str, Form(max_length=32)], reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:  # fmt: skip
    employee = visible_employee(session, user, employee_id)
    assignments.waive_course(
        session, user, employee, assignments.get_course(session, course), reason, today()
    )
    return back_to(employee.id, user, "waived")


@router.get("/learning/assign", response_class=HTMLResponse, include_in_schema=False)
def assign_page(
    request: Request, session: DbSession, user: CurrentUser, target: str = "", course: str = ""
) -> HTMLResponse:
    assignments.ensure_assigner(user)
    form = {"target": target, "course": course, "due_on": "", "reason": ""}
    return render(request, "learning/assign.html", plan_forms.assign_context(session, user, form))


@router.post("/learning/assign", response_class=HTMLResponse, include_in_schema=False, dependencies=CSRF)
def assign_submit(
    request: Request, session: DbSession, user: CurrentUser, form: Annotated[plan_forms.AssignForm, Form()]
) -> HTMLResponse:
    assignments.ensure_assigner(user)
    try:
        outcome = assignments.assign(
            session, user, course_code=form.course, target=assignments.Target.parse(form.target),
            due_on=form.due(), reason=form.reason, today=today(),
        )  # fmt: skip
    except AppError as exc:
        context = plan_forms.assign_context(session, user, form.model_dump(), error=exc.message)
        return render(request, "learning/assign.html", context, status_code=exc.status_code)
    return render(request, "learning/assigned.html", {"outcome": outcome})


@router.get("/learning/confirmations", response_class=HTMLResponse, include_in_schema=False)
def confirmations_page(
    request: Request, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    pending = claims.pending_claims(session, user)
    return render(request, "learning/confirmations.html", {"claims": pending, "done": DONE.get(done or "")})


@router.post("/learning/confirmations/{claim_id}/confirm", include_in_schema=False, dependencies=CSRF)
def confirm_claim(claim_id: RowId, session: DbSession, user: CurrentUser, award: BadgeAwarder) -> Response:
    award(claims.confirm(session, user, claim_id).employee_id)
    return RedirectResponse("/learning/confirmations?done=confirmed", status_code=303)


@router.post("/learning/confirmations/{claim_id}/reject", include_in_schema=False, dependencies=CSRF)
def reject_claim(
    claim_id: RowId, session: DbSession, user: CurrentUser, note: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    claims.reject(session, user, claim_id, note)
    return RedirectResponse("/learning/confirmations?done=rejected", status_code=303)


@router.get("/learning/completions/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, user: CurrentUser) -> HTMLResponse:
    import_uploads.ensure_importer(user)
    return render(request, "learning/import.html", {"limit_mb": MAX_UPLOAD_BYTES // 1_048_576})


# The upload routes read their file only after checking who sends it (pathways.uploads), CSRF included.
@router.post(
    "/learning/completions/import",
    response_class=HTMLResponse,
    include_in_schema=False,
    max_body_size=UPLOAD_BODY_BYTES,
)
def import_preview(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    import_uploads.ensure_importer(user)
    context: dict[str, object] = {"limit_mb": MAX_UPLOAD_BYTES // 1_048_576}
    upload = read_upload(request, MAX_UPLOAD_BYTES)
    try:
        import_uploads.check_size(len(upload.data))
        stored, report = import_jobs.preview_upload(session, user, upload.filename, upload.data, today())
    except AppError as exc:
        context["error"] = exc.message
        return render(request, "learning/import.html", context, status_code=exc.status_code)
    return render(request, "learning/import_report.html", {"stored": stored, "report": report})


@router.post(
    "/learning/completions/import/{import_id}/apply",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=CSRF,
)
def import_apply(request: Request, import_id: RowId, session: DbSession, user: CurrentUser) -> HTMLResponse:
    awards = badges.issuing(request.app.state.settings)
    outcome = import_jobs.apply_upload(session, user, import_id, today(), awards)
    context = {"stored": outcome.run, "report": outcome.report, "earlier": outcome.earlier}
    return render(request, "learning/import_report.html", context)


# ---------------------------------------------------------------- JSON API
@router.get("/api/v1/me/learning-plan", response_model=LearningPlanOut, tags=["learning plans"])
def my_plan(session: DbSession, user: CurrentUser) -> LearningPlanOut:
    return LearningPlanOut.of(plans.build_plan(session, own_employee(session, user), today()))


@router.get(
    "/api/v1/employees/{employee_id}/learning-plan", response_model=LearningPlanOut, tags=["learning plans"]
)
def employee_plan(employee: InScope, session: DbSession, user: CurrentUser) -> LearningPlanOut:
    return LearningPlanOut.of(plans.build_plan(session, employee, today()))


def _refs(people: list[Employee]) -> list[EmployeeRefOut]:
    return [EmployeeRefOut(id=p.id, name=p.name, employee_number=p.employee_number) for p in people]


@router.post(
    "/api/v1/assignments", response_model=AssignResultOut, tags=["learning plans"], dependencies=CSRF
)
def create_assignments(body: AssignmentIn, session: DbSession, user: CurrentUser) -> AssignResultOut:
    outcome = assignments.assign(
        session, user, course_code=body.course, target=assignments.Target(body.target.type, body.target.ref),
        due_on=body.due_on, reason=body.reason, today=today(),
    )  # fmt: skip
    return AssignResultOut(
        course=outcome.course.code,
        target=outcome.target_label,
        assigned=_refs(outcome.assigned),
        already_assigned=_refs(outcome.already),
        out_of_scope=outcome.out_of_scope,
    )


def _assignment_out(session: Session, row: Assignment) -> AssignmentOut:
    code = session.scalar(select(Course.code).where(Course.id == row.course_id)) or ""
    return AssignmentOut.of(row, code, assignments.histories(session, [row.id]).get(row.id, []))


@router.get("/api/v1/assignments/{assignment_id}", response_model=AssignmentOut, tags=["learning plans"])
def read_assignment(assignment_id: RowId, session: DbSession, user: CurrentUser) -> AssignmentOut:
    """One assignment with its history (assigned, due date moved, cancelled, waived: who, when, why)."""
    return _assignment_out(session, assignments.visible_assignment(session, user, assignment_id))


@router.patch(
    "/api/v1/assignments/{assignment_id}",
    response_model=AssignmentOut,
    tags=["learning plans"],
    dependencies=CSRF,
)
def change_assignment(
    assignment_id: RowId, body: AssignmentPatch, session: DbSession, user: CurrentUser
) -> AssignmentOut:
    if body.due_on is not None:
        row = assignments.move_due(session, user, assignment_id, body.due_on, today(), body.reason or "")
    elif body.action == "cancel":
        row = assignments.cancel(session, user, assignment_id, body.reason or "")
    else:
        row = assignments.waive(session, user, assignment_id, body.reason or "")
    return _assignment_out(session, row)


@router.post("/api/v1/completions", response_model=CompletionOut, tags=["learning plans"], dependencies=CSRF)
def mark_completed(
    body: CompletionIn, session: DbSession, user: CurrentUser, award: BadgeAwarder
) -> CompletionOut:
    employee = scope.me_or_named(session, user, body.employee_id or None, NO_RECORD)
    course = assignments.get_course(session, body.course)
    result = claims.mark_completed(
        session, user, employee, course, completed_at=body.completed_at, score=body.score, today=today()
    )
    award(employee.id)
    return CompletionOut(
        course=course.code, employee_id=employee.id, outcome=result.outcome, claim_id=result.claim_id
    )


@router.post(
    "/api/v1/completions/import",
    response_model=ImportReportOut,
    tags=["learning plans"],
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=multipart_body("CSV with the header employee,course,completed_at,score"),
)
def import_completions(
    request: Request, session: DbSession, user: CurrentUser, dry_run: bool = False
) -> ImportReportOut:
    """Record completions from the LMS's CSV export, batch by batch (or only check them, with dry_run). An
    import of the same file that was cut off is finished, and `earlier_run` says what it had recorded."""
    import_uploads.ensure_importer(user)
    upload = read_upload(request, MAX_UPLOAD_BYTES)
    import_uploads.check_size(len(upload.data))
    outcome = import_jobs.import_upload(
        session, user, upload.filename, upload.data, today(), dry=dry_run,
        awards=badges.issuing(request.app.state.settings),
    )  # fmt: skip
    return ImportReportOut.of(outcome.report, outcome.earlier)


# The team compliance view and the confirmations API live in their own module, served by this router.
router.include_router(oversight_routes.router)
