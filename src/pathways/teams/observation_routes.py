"""Coaching observations: the form on a person's page and the JSON API."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from pathways.auth.dependencies import CurrentUser
from pathways.badges.routes import BadgeAwarder
from pathways.competencies import observations
from pathways.competencies.models import Observation
from pathways.deps import DbSession
from pathways.errors import BadRequest
from pathways.org.scope import visible_employee
from pathways.routing import CSRF, OptionalId, RowId, today
from pathways.teams.schemas import EmployeeRefOut, ObservationIn, ObservationOut
from pathways.teams.scope import visible_ids

router = APIRouter()


def observation_out(o: Observation, names: dict[int, str], people: dict[int, str]) -> ObservationOut:
    return ObservationOut(
        id=o.id,
        employee=EmployeeRefOut(id=o.employee_id, name=people.get(o.employee_id, "")),
        competency=o.competency.code,
        competency_name=o.competency.name,
        level=o.level,
        note=o.note,
        observed_by=names.get(o.observed_by_user_id or 0),
        observed_on=o.observed_on,
    )


@router.get("/api/v1/observations", response_model=list[ObservationOut], tags=["observations"])
def list_observations(
    session: DbSession, user: CurrentUser, employee_id: OptionalId = None
) -> list[ObservationOut]:
    """Observations of one person, or (without employee_id) of everyone in your scope, newest first."""
    if employee_id is not None:
        found = observations.observations_of(session, [visible_employee(session, user, employee_id).id])
    else:
        found = observations.observations_of(session, visible_ids(session, user))
    names = observations.observer_names(session, found)
    people = observations.employee_names(session, found)
    return [observation_out(o, names, people) for o in found]


@router.post(
    "/api/v1/observations",
    response_model=ObservationOut,
    status_code=201,
    tags=["observations"],
    dependencies=CSRF,
)
def create_observation(
    body: ObservationIn, session: DbSession, user: CurrentUser, award: BadgeAwarder
) -> ObservationOut:
    """A coaching note on one competency at one level (site lead, supervisor in the line, admin): it counts
    as competency evidence at once."""
    employee = visible_employee(session, user, body.employee_id)
    made = observations.observe(
        session,
        user,
        employee,
        competency_code=body.competency,
        level=body.level,
        note=body.note,
        observed_on=body.observed_on or today(),
        today=today(),
    )
    award(employee.id)
    names = observations.observer_names(session, [made])
    return observation_out(made, names, {employee.id: employee.name})


@router.post("/team/people/{employee_id}/observations", include_in_schema=False, dependencies=CSRF)
def observation_form(
    employee_id: RowId,
    session: DbSession,
    user: CurrentUser,
    competency: Annotated[str, Form(max_length=64)],
    level: Annotated[int, Form(ge=1, le=4)],
    note: Annotated[str, Form(max_length=1000)],
    award: BadgeAwarder,
    observed_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    employee = visible_employee(session, user, employee_id)
    try:
        on = dt.date.fromisoformat(observed_on) if observed_on else today()
    except ValueError as exc:
        raise BadRequest("The date must look like 2026-11-23.") from exc
    observations.observe(
        session,
        user,
        employee,
        competency_code=competency,
        level=level,
        note=note,
        observed_on=on,
        today=today(),
    )
    award(employee.id)
    return RedirectResponse(f"/team/people/{employee_id}?done=observed", status_code=303)
