from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.careers.models import Role
from pathways.deps import DbSession
from pathways.errors import BadRequest
from pathways.org import scope
from pathways.org.models import Employee
from pathways.plans import service
from pathways.plans.schemas import (
    HOURS_PER_WEEK_MAX,
    HOURS_PER_WEEK_MIN,
    HOURS_PER_WEEK_STEP,
    HoursPerWeekError,
    OptimizeRequest,
    PlanOut,
    hours_per_week,
)
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter()

# The plan page's and the tracker's budget fields carry the rule, so a browser checks it before sending.
HOURS_RULE = {"min": HOURS_PER_WEEK_MIN, "max": HOURS_PER_WEEK_MAX, "step": HOURS_PER_WEEK_STEP}
NO_EMPLOYEE_RECORD = "Your account is not linked to an employee record, so name the employee to plan for."


def whose_plan(session: Session, user: User, employee_id: int | None) -> Employee:
    return scope.me_or_named(session, user, employee_id, NO_EMPLOYEE_RECORD)


@router.post(
    "/api/v1/plans/optimize",
    response_model=PlanOut,
    tags=["planning"],
    dependencies=CSRF,
    summary="The shortest course plan to one or more target roles, with a readiness date",
)
def optimize(body: OptimizeRequest, user: CurrentUser, session: DbSession) -> PlanOut:
    employee = whose_plan(session, user, body.employee_id)
    return service.optimize(session, employee, body.roles, body.hours_per_week, body.in_progress)


def parse_hours(raw: str) -> Decimal:
    try:
        return hours_per_week(raw)
    except HoursPerWeekError as exc:
        raise BadRequest(str(exc)) from None


@router.get("/plans", response_class=HTMLResponse, include_in_schema=False)
def plan_page(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    role: Annotated[list[str], Query(max_length=5)] = [],  # noqa: B006 - FastAPI copies defaults
    hours: Annotated[str, Query(max_length=10)] = "3",
    started: Annotated[str | None, Query(max_length=500)] = None,
    sent: bool = False,
    employee_id: int | None = None,
) -> HTMLResponse:
    roles = list(session.scalars(select(Role).order_by(Role.position)))
    context: dict[str, object] = {
        "roles": roles,
        "chosen": role,
        "hours": hours,
        "started": started or "",
        "employee_id": employee_id,
        "hours_rule": HOURS_RULE,
    }
    try:
        employee = whose_plan(session, user, employee_id)
        context["employee"] = employee
        if started is None and not sent:
            # First visit: the courses marked started in the learning plan, shown so they can be changed;
            # once the form is sent, what it says (even nothing) is what counts. The form says it was sent
            # (`sent=1`) because an empty box arrives as no `started` at all (pathways.querystring).
            started = ", ".join(service.started(session, employee))
            context["started"] = started
        in_progress = [
            code.strip().upper() for code in (started or "").replace(";", ",").split(",") if code.strip()
        ]
        if role:
            context["result"] = service.optimize(session, employee, role, parse_hours(hours), in_progress)
    except BadRequest as exc:
        context["error"] = exc.message
        return render(request, "plans/plan.html", context, status_code=400)
    return render(request, "plans/plan.html", context)
