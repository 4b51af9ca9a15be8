"""The team page, its CSV, the team API, a person's overview page and recording a move."""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from pathways.auth.dependencies import CurrentUser
from pathways.auth.permissions import (
    can_coach,
    can_manage_employee,
    can_see_ratings,
    can_sign_off_onboarding,
    is_admin,
)
from pathways.careers.models import Role
from pathways.competencies import observations
from pathways.csvfile import csv_response, csv_text
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.org import history as org_history
from pathways.org.models import Employee, Site
from pathways.org.scope import InScope, visible_employee
from pathways.routing import CSRF, OptionalId, RowId, today
from pathways.teams import moves, onboarding, team
from pathways.teams.common import ShortText, ref
from pathways.teams.schemas import (
    ConversationOut,
    EmployeeRoleOut,
    RoleChangeIn,
    TeamMemberOut,
    TeamOut,
    TrackedRoleOut,
)
from pathways.teams.scope import team_of, team_scope
from pathways.web import render

router = APIRouter()
CSV_HEADER = [
    "name",
    "employee_number",
    "role",
    "site",
    "manager",
    "role_since",
    "months_in_role",
    "tracking",
    "best_readiness_percent",
    "overdue_required",
    "open_required",
    "awaiting_review",
    "next_conversation",
]


@dataclass
class TeamFilters:
    """The filters and sort the team page, its CSV and the team API share, as query parameters."""

    site: ShortText = None
    role: ShortText = None
    q: ShortText = None
    only: ShortText = None
    sort: ShortText = None
    order: ShortText = None

    def parse(self) -> team.TeamQuery:
        return team.parse_query(self.site, self.role, self.q, self.only, self.sort, self.order)


Filters = Annotated[TeamFilters, Depends()]


def member_out(m: team.Member) -> TeamMemberOut:
    return TeamMemberOut(
        id=m.id,
        name=m.name,
        employee_number=m.employee_number,
        role=m.role_code,
        role_name=m.role_name,
        site=m.site_code,
        site_name=m.site_name,
        manager=m.manager_name,
        role_since=m.role_since,
        months_in_role=m.months_in_role,
        tracking=[
            TrackedRoleOut(
                tracker_id=t.tracker_id,
                role=t.code,
                role_name=t.name,
                readiness_percent=t.readiness,
                awaiting_review=t.awaiting_review,
            )
            for t in m.tracked
        ],
        overdue_required=m.overdue,
        open_required=m.open_required,
        awaiting_review=m.awaiting_review,
        conversations=[
            ConversationOut(tracker_id=c.tracker_id, role_name=c.role_name, kind=c.kind, on=c.on)
            for c in m.conversations
        ],
    )


def _conversation_text(m: team.Member) -> str:
    c = m.next_conversation
    if c is None:
        return ""
    return f"asked for ({c.role_name})" if c.kind == "requested" else f"follow-up {c.on} ({c.role_name})"


def _filter_options(session: DbSession, page: team.TeamPage) -> dict[str, Any]:
    scoped = select(Employee.site_id).where(Employee.id.in_(page.scope.ids))
    sites = session.execute(select(Site.code, Site.name).where(Site.id.in_(scoped)).order_by(Site.name)).all()
    roles = session.execute(select(Role.code, Role.name).order_by(Role.position)).all()
    return {"sites": sites, "roles": roles}


@router.get("/team", include_in_schema=False)
def team_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    filters: Filters,
    manager: OptionalId = None,
) -> HTMLResponse:
    scope = team_scope(session, user, manager)
    context: dict[str, Any] = {
        "error": None,
        "sorts": team.SORTS,
        "only_options": team.ONLY,
        "is_admin": is_admin(user),
        "manager_id": manager,
    }
    status = 200
    try:
        page = team.build_team(session, scope, filters.parse(), today())
    except AppError as exc:
        context["error"], status = exc.message, exc.status_code
        page = team.build_team(session, scope, team.TeamQuery(), today())
    context.update(page=page, **_filter_options(session, page))
    if is_admin(user):
        context["managers"] = session.execute(
            select(Employee.id, Employee.name)
            .where(Employee.id.in_(select(Employee.manager_id).where(Employee.manager_id.is_not(None))))
            .order_by(Employee.name)
            .limit(500)
        ).all()
    return render(request, "teams/team.html", context, status_code=status)


@router.get("/team.csv", include_in_schema=False)
def team_csv(
    session: DbSession,
    user: CurrentUser,
    filters: Filters,
    manager: OptionalId = None,
) -> Response:
    page = team.build_team(session, team_scope(session, user, manager), filters.parse(), today())
    rows = (
        [
            m.name,
            m.employee_number,
            m.role_name,
            m.site_name,
            m.manager_name,
            m.role_since.isoformat(),
            m.months_in_role,
            "; ".join(f"{t.name} {t.readiness}%" for t in m.tracked),
            "" if m.best_readiness is None else m.best_readiness,
            m.overdue,
            m.open_required,
            m.awaiting_review,
            _conversation_text(m),
        ]
        for m in page.members
    )
    return csv_response(csv_text(CSV_HEADER, rows), "team.csv")


@router.get("/api/v1/teams/{manager_id}", response_model=TeamOut, tags=["teams"])
def team_api(
    manager_id: RowId,
    session: DbSession,
    user: CurrentUser,
    filters: Filters,
) -> TeamOut:
    """The reports (direct and indirect) of a manager, with readiness, required learning and conversations."""
    scope = team_of(session, user, manager_id)
    page = team.build_team(session, scope, filters.parse(), today())
    return TeamOut(
        manager=ref(scope.manager) if scope.manager else None,
        scope=scope.description,
        total=page.total,
        too_many=page.too_many,
        members=[member_out(m) for m in page.members],
    )


@router.get("/team/people/{employee_id}", include_in_schema=False)
def person_page(
    request: Request, employee: InScope, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    notes = observations.observations_of(session, [employee.id], limit=20)
    plan = onboarding.plan_of(session, employee)  # reloads the employee: relationships it skips now raise
    manager = session.scalar(select(Employee.name).where(Employee.id == employee.manager_id))
    context = {
        "employee": employee,
        "manager": manager,
        "can_ratings": can_see_ratings(session, user, employee),
        "can_coach": can_coach(session, user, employee),
        "can_move": can_manage_employee(session, user, employee),
        "can_sign_off": can_sign_off_onboarding(session, user, employee),
        "observations": notes,
        "observers": observations.observer_names(session, notes),
        "plan": plan,
        "moves": org_history.history(session, employee.id),
        "progress": onboarding.progress(plan, today()) if plan else None,
        "competencies": observations.competency_choices(session),
        "roles": session.execute(select(Role.code, Role.name).order_by(Role.position)).all(),
        "today": today(),
        "done": done,
    }
    return render(request, "teams/person.html", context)


def _record_move(
    session: DbSession, user: CurrentUser, employee_id: int, body: RoleChangeIn
) -> EmployeeRoleOut:
    employee = visible_employee(session, user, employee_id)
    role = moves.change_role(
        session,
        user,
        employee,
        role_code=body.role,
        effective_on=body.effective_on or today(),
        reason=body.reason,
        today=today(),
    )
    return EmployeeRoleOut(
        id=employee.id,
        name=employee.name,
        role=role.code,
        role_name=role.name,
        role_since=employee.role_since,
    )


@router.post("/api/v1/employees/{id}/role", response_model=EmployeeRoleOut, tags=["teams"], dependencies=CSRF)
def move_api(id: RowId, body: RoleChangeIn, session: DbSession, user: CurrentUser) -> EmployeeRoleOut:
    """Record a move to another role (supervisor in the reporting line, or admin); audited."""
    return _record_move(session, user, id, body)


@router.post("/team/people/{employee_id}/role", include_in_schema=False, dependencies=CSRF)
def move_form(
    employee_id: RowId,
    session: DbSession,
    user: CurrentUser,
    role: Annotated[str, Form(max_length=64)],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    _record_move(session, user, employee_id, RoleChangeIn(role=role, reason=reason))
    return RedirectResponse(f"/team/people/{employee_id}?done=moved", status_code=303)
