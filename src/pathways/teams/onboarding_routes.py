"""Onboarding pages: the new hire's own, and the site lead's and supervisor's (the API: onboarding_api)."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.auth.permissions import can_coach, can_sign_off_onboarding
from pathways.careers.models import Role
from pathways.deps import DbSession
from pathways.errors import BadRequest
from pathways.org.models import Employee
from pathways.org.scope import InScope, visible_employee
from pathways.routing import CSRF, RowId, today
from pathways.teams import onboarding
from pathways.teams.common import Code, own_employee
from pathways.teams.scope import team_scope
from pathways.web import render

router = APIRouter()
DONE = {
    "started": "Onboarding plan started.",
    "signed": "Step signed off.",
    "ticked": "Step marked as done; your site lead will sign it off.",
    "mentor": "Mentor updated.",
    "due": "Due date moved.",
}


def _plan_page(
    request: Request, session: Session, user: User, employee: Employee, done: str | None
) -> HTMLResponse:
    plan = onboarding.plan_of(session, employee)
    coach = can_coach(session, user, employee)
    context = {
        "employee": employee,
        "plan": plan,
        "progress": onboarding.progress(plan, today()) if plan else None,
        "own": user.employee_id == employee.id,
        "can_coach": coach,
        "can_sign_off": can_sign_off_onboarding(session, user, employee),
        "can_mark_done": plan is not None and onboarding.can_mark_done(user, plan),
        "state_of": onboarding.step_state,
        "state_labels": onboarding.STATE_LABELS,
        "templates": onboarding.templates(session) if coach and plan is None else [],
        "suggested": onboarding.template_for(session, employee) if plan is None else None,
        "coworkers": session.execute(
            select(Employee.id, Employee.name)
            .where(Employee.site_id == employee.site_id, Employee.id != employee.id)
            .order_by(Employee.name)
        ).all()
        if coach
        else [],
        "today": today(),
        "done": DONE.get(done or ""),
    }
    return render(request, "teams/onboarding_plan.html", context)


def _back(employee_id: int, user: User, done: str) -> RedirectResponse:
    base = "/onboarding" if user.employee_id == employee_id else f"/team/onboarding/{employee_id}"
    return RedirectResponse(f"{base}?done={done}", status_code=303)


def _date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadRequest(f"The {what} must be a date like 2026-11-23.") from exc


# ---------------------------------------------------------------- pages
@router.get("/onboarding", include_in_schema=False)
def my_onboarding(
    request: Request, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    return _plan_page(request, session, user, own_employee(session, user, "onboarding plan"), done)


@router.get("/team/onboarding", include_in_schema=False)
def onboarding_overview(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    scope = team_scope(session, user)
    plans = onboarding.plans_in(session, scope.ids)
    context = {
        "scope": scope,
        "plans": [(plan, onboarding.progress(plan, today())) for plan in plans],
        "templates": onboarding.templates(session),
        "role_names": {code: name for code, name in session.execute(select(Role.code, Role.name))},
    }
    return render(request, "teams/onboarding.html", context)


@router.get("/team/onboarding/{employee_id}", include_in_schema=False)
def onboarding_page(
    request: Request, employee: InScope, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    return _plan_page(request, session, user, employee, done)


@router.post("/team/onboarding/{employee_id}", include_in_schema=False, dependencies=CSRF)
def start_form(
    employee_id: RowId,
    session: DbSession,
    user: CurrentUser,
    template_id: Annotated[str, Form(max_length=12)] = "",
    mentor_id: Annotated[str, Form(max_length=12)] = "",
    started_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    employee = visible_employee(session, user, employee_id)
    if not (template_id.isdigit() or template_id == "") or not (mentor_id.isdigit() or mentor_id == ""):
        raise BadRequest("Choose a template and a mentor from the lists.")
    onboarding.start_plan(
        session,
        user,
        employee,
        template_id=int(template_id) if template_id else None,
        mentor_id=int(mentor_id) if mentor_id else None,
        started_on=_date(started_on, "start date") if started_on else today(),
    )
    return _back(employee_id, user, "started")


@router.post("/team/onboarding/{employee_id}/mentor", include_in_schema=False, dependencies=CSRF)
def mentor_form(
    employee_id: RowId,
    session: DbSession,
    user: CurrentUser,
    mentor_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    if not (mentor_id.isdigit() or mentor_id == ""):
        raise BadRequest("Choose a mentor from the list.")
    onboarding.set_mentor(session, user, plan, int(mentor_id) if mentor_id else None)
    return _back(employee_id, user, "mentor")


@router.post("/team/onboarding/{employee_id}/items/{code}/done", include_in_schema=False, dependencies=CSRF)
def tick_form(employee_id: RowId, code: Code, session: DbSession, user: CurrentUser) -> Response:
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.mark_done(session, user, plan, code, today())
    return _back(employee_id, user, "ticked")


@router.post(
    "/team/onboarding/{employee_id}/items/{code}/sign-off", include_in_schema=False, dependencies=CSRF
)
def sign_off_form(
    employee_id: RowId,
    code: Code,
    session: DbSession,
    user: CurrentUser,
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.sign_off(session, user, plan, code, note)
    return _back(employee_id, user, "signed")


@router.post("/team/onboarding/{employee_id}/items/{code}/due", include_in_schema=False, dependencies=CSRF)
def due_form(
    employee_id: RowId,
    code: Code,
    session: DbSession,
    user: CurrentUser,
    due_on: Annotated[str, Form(max_length=10)],
) -> Response:
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.set_due(session, user, plan, code, _date(due_on, "due date"))
    return _back(employee_id, user, "due")
