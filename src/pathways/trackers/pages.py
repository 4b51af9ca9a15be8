"""Tracker pages: the list and side-by-side comparison, one tracker, and the workbook import preview."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth import audience
from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.auth.permissions import can_view_trackers, ensure, is_admin, sees_team_trackers
from pathways.careers.models import Role
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.learning.models import Course
from pathways.org import scope
from pathways.org.models import Employee
from pathways.plans.routes import HOURS_RULE, parse_hours
from pathways.routing import CSRF, TrackerId
from pathways.trackers import conversations, forms, imports, service, views
from pathways.trackers.access import (
    NO_EMPLOYEE_RECORD,
    NOT_YOUR_TRACKERS,
    TrackerAccess,
    open_tracker,
    own_employee,
)
from pathways.trackers.archive import MAX_UPLOAD_BYTES
from pathways.trackers.gaps import BASIS_TEXT
from pathways.trackers.models import CareerTracker
from pathways.trackers.quarters import upcoming_quarters
from pathways.uploads import FORM_OVERHEAD_BYTES, read_upload
from pathways.web import render

router = APIRouter(include_in_schema=False)
router.include_router(forms.router)


def team_trackers(session: Session, user: User) -> list[CareerTracker]:
    if not sees_team_trackers(user) or user.employee_id is None:
        return []
    return service.trackers_of(session, scope.report_ids(session, user.employee_id))


@router.get("/trackers", response_class=HTMLResponse)
def trackers_page(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    employee_id: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    employee: Employee | None = None
    if employee_id is not None or user.employee_id is not None:
        employee = scope.me_or_named(session, user, employee_id, NO_EMPLOYEE_RECORD)
        ensure(can_view_trackers(session, user, employee), NOT_YOUR_TRACKERS)
    trackers = service.trackers_of(session, [employee.id]) if employee else []
    tracker_views = views.build_all(session, trackers)
    taken = {t.role_id for t in trackers}
    roles = [
        r
        for r in session.scalars(select(Role).order_by(Role.position))
        if employee and r.id != employee.role_id and r.id not in taken
    ]
    competencies: dict[str, str] = {}
    for view in tracker_views:
        for gap in view.analysis.competencies:
            competencies.setdefault(gap.code, gap.name)
    context = {
        "employee": employee,
        "own": employee is not None and employee.id == user.employee_id,
        "views": tracker_views,
        "competencies": competencies,
        "roles": roles,
        "team": [] if employee_id else team_trackers(session, user),
        "is_admin": is_admin(user),
        "audience": audience.tracker_audience(session, user, employee) if employee else "",
    }
    return render(request, "trackers/list.html", context)


@router.post("/trackers", dependencies=CSRF)
def start_tracker_form(
    user: CurrentUser, session: DbSession, role: Annotated[str, Form(min_length=1, max_length=64)]
) -> RedirectResponse:
    tracker, _ = service.start_tracker(session, own_employee(session, user), role, user)
    return RedirectResponse(f"/trackers/{tracker.id}", status_code=303)


def tracker_context(session: Session, access: TrackerAccess) -> dict[str, object]:
    tracker = access.tracker
    view = views.build(session, tracker)
    today = dt.date.today()
    planned = {i.course_id for i in tracker.courses}
    quarters = sorted(set(upcoming_quarters(today)) | {i.quarter for i in tracker.courses})
    courses = [c for c in session.scalars(select(Course).order_by(Course.code)) if c.id not in planned]
    return {
        "view": view,
        "tracker": tracker,
        "hours_rule": HOURS_RULE,
        "analysis": view.analysis,
        "access": access,
        "quarters": quarters,
        "this_quarter": upcoming_quarters(today, 1)[0],
        "courses": courses,
        "basis_text": BASIS_TEXT,
        "conversation_statuses": conversations.STATUSES,
        "history": list(reversed(tracker.changes))[:30],
        "today": today,
        "audience": audience.tracker_audience(session, access.user, tracker.employee),
    }


@router.get("/trackers/{tracker_id}", response_class=HTMLResponse)
def tracker_page(
    request: Request,
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    done: Annotated[str | None, Query(max_length=32)] = None,
    hours: Annotated[str, Query(max_length=10)] = "3",
) -> HTMLResponse:
    access = open_tracker(session, user, tracker_id)
    context = tracker_context(session, access)
    context["done"] = forms.DONE_MESSAGES.get(done or "")
    if done == "suggested":
        # What the planner said besides the courses it placed: asked again, since nothing is kept between
        # the form's post and this page; the same data and budget give the same answer.
        context["suggestion"], _ = service.suggestion(session, access.tracker, parse_hours(hours))
    return render(request, "trackers/tracker.html", context)


@router.get("/trackers/{tracker_id}/import", response_class=HTMLResponse)
def import_page(
    request: Request, tracker_id: TrackerId, user: CurrentUser, session: DbSession
) -> HTMLResponse:
    access = open_tracker(session, user, tracker_id).require_owner()
    return render(request, "trackers/import.html", {"tracker": access.tracker, "result": None, "token": None})


@router.post(
    "/trackers/{tracker_id}/import",
    response_class=HTMLResponse,
    max_body_size=MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES,
)
def import_preview_page(
    request: Request, tracker_id: TrackerId, user: CurrentUser, session: DbSession
) -> HTMLResponse:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    # Read only now that the owner is known; the CSRF token is checked with the form (pathways.uploads).
    data = read_upload(request, MAX_UPLOAD_BYTES).data
    context: dict[str, object] = {"tracker": tracker, "result": None, "token": None}
    try:
        result = imports.preview(session, data, views.build(session, tracker))
    except AppError as exc:
        context["error"] = exc.message
        context["problems"] = getattr(exc, "problems", [exc.message])
        return render(request, "trackers/import.html", context, status_code=exc.status_code)
    context["result"] = result
    context["token"] = imports.sign(request.app.state.settings.secret_key, tracker, result.edits)
    return render(request, "trackers/import.html", context)


@router.post("/trackers/{tracker_id}/import/apply", dependencies=CSRF)
def import_apply(
    request: Request,
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    token: Annotated[str, Form(max_length=200_000)],
    confirm: Annotated[bool, Form()] = False,
) -> Response:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    edits = imports.unsign(request.app.state.settings.secret_key, tracker, token)
    imports.apply(session, tracker, edits, user, confirm)
    return RedirectResponse(f"/trackers/{tracker_id}?done=imported", status_code=303)
