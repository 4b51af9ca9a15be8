"""Ratings: the employee's own page (/ratings), a report's page for their supervisor, and the JSON API."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.auth.permissions import can_manage_employee
from pathways.badges.routes import BadgeAwarder
from pathways.competencies import ratings
from pathways.deps import DbSession
from pathways.errors import BadRequest
from pathways.org.models import Employee
from pathways.org.scope import InScope, visible_employee
from pathways.routing import CSRF, RowId
from pathways.teams.common import own_employee, ref
from pathways.teams.schemas import RatingOut, RatingsIn, RatingsOut, SideBySideOut
from pathways.web import render

router = APIRouter()
SAVED = "Ratings saved."


def ratings_out(view: ratings.RatingsView) -> RatingsOut:
    return RatingsOut(
        employee=ref(view.employee),
        competencies=[
            SideBySideOut(
                competency=r.code,
                name=r.name,
                required_by_role=r.required,
                self_level=r.self_level,
                self_note=r.self_note,
                manager_level=r.manager_level,
                manager_note=r.manager_note,
                current_level=r.current,
                basis=r.basis,
            )
            for r in view.rows
        ],
        history=[
            RatingOut(
                id=h.id,
                competency=h.competency.code,
                competency_name=h.competency.name,
                kind=h.kind,
                level=h.level,
                note=h.note,
                rated_by=view.rater_names.get(h.rated_by_user_id or 0),
                rated_at=h.rated_at,
            )
            for h in view.history
        ],
    )


def _page(
    request: Request, session: Session, user: User, employee: Employee, saved: str | None
) -> HTMLResponse:
    ratings.ensure_can_see(session, user, employee)
    own = user.employee_id == employee.id
    context = {
        "view": ratings.ratings_view(session, employee),
        "own": own,
        "form_kind": "self" if own else "manager" if can_manage_employee(session, user, employee) else None,
        "action": "/ratings" if own else f"/team/people/{employee.id}/ratings",
        "saved": SAVED if saved else None,
    }
    return render(request, "teams/ratings.html", context)


async def _form_inputs(request: Request, view: ratings.RatingsView) -> list[ratings.RatingInput]:
    form = await request.form()
    inputs = []
    for row in view.rows:
        level = str(form.get(f"level-{row.code}") or "").strip()
        note = str(form.get(f"note-{row.code}") or "")
        if not level:
            continue
        if level not in {"0", "1", "2", "3", "4"}:
            raise BadRequest(f"Choose one of the listed levels for {row.name}.")
        inputs.append(ratings.RatingInput(row.code, int(level), note))
    return inputs


@router.get("/ratings", include_in_schema=False)
def my_ratings_page(
    request: Request, session: DbSession, user: CurrentUser, saved: str | None = None
) -> HTMLResponse:
    return _page(request, session, user, own_employee(session, user, "ratings"), saved)


@router.post("/ratings", include_in_schema=False, dependencies=CSRF)
async def my_ratings_form(request: Request, session: DbSession, user: CurrentUser) -> Response:
    employee = own_employee(session, user, "ratings")
    inputs = await _form_inputs(request, ratings.ratings_view(session, employee))
    ratings.rate(session, user, employee, inputs, "self")
    return RedirectResponse("/ratings?saved=1", status_code=303)


@router.get("/team/people/{employee_id}/ratings", include_in_schema=False)
def report_ratings_page(
    request: Request, employee: InScope, session: DbSession, user: CurrentUser, saved: str | None = None
) -> HTMLResponse:
    return _page(request, session, user, employee, saved)


@router.post("/team/people/{employee_id}/ratings", include_in_schema=False, dependencies=CSRF)
async def report_ratings_form(
    request: Request, employee_id: RowId, session: DbSession, user: CurrentUser, award: BadgeAwarder
) -> Response:
    employee = visible_employee(session, user, employee_id)
    ratings.kind_for(session, user, employee, "manager")  # refuse before reading the form
    inputs = await _form_inputs(request, ratings.ratings_view(session, employee))
    ratings.rate(session, user, employee, inputs, "manager")
    award(employee.id)
    return RedirectResponse(f"/team/people/{employee_id}/ratings?saved=1", status_code=303)


@router.get("/api/v1/employees/{id}/ratings", response_model=RatingsOut, tags=["ratings"])
def ratings_api(id: RowId, session: DbSession, user: CurrentUser) -> RatingsOut:
    """Self and manager ratings side by side, with the history (the person, their supervisors, admins)."""
    employee = visible_employee(session, user, id)
    ratings.ensure_can_see(session, user, employee)
    return ratings_out(ratings.ratings_view(session, employee))


@router.post(
    "/api/v1/employees/{id}/ratings",
    response_model=RatingsOut,
    status_code=201,
    tags=["ratings"],
    dependencies=CSRF,
)
def rate_api(
    id: RowId, body: RatingsIn, session: DbSession, user: CurrentUser, award: BadgeAwarder
) -> RatingsOut:
    """Rate competencies: a manager rating by a supervisor in the reporting line or an admin, a self-rating by
    the person. Each save adds to the history and is audited."""
    employee = visible_employee(session, user, id)
    items = [ratings.RatingInput(r.competency, r.level, r.note) for r in body.ratings]
    ratings.rate(session, user, employee, items, body.kind)
    award(employee.id)  # a self-rating earns nothing; a manager's may
    return ratings_out(ratings.ratings_view(session, employee))
