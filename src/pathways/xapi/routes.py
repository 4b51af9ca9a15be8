"""The Learning Record Store at /xapi, and its admin page at /admin/lrs."""

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import AccountRole
from pathways.deps import DbSession
from pathways.errors import Forbidden
from pathways.web import render
from pathways.xapi import admin
from pathways.xapi.activities import canonical_activity, person
from pathways.xapi.agents import parse_agent_param
from pathways.xapi.document_routes import router as document_router
from pathways.xapi.formats import XapiError, is_iri
from pathways.xapi.http import VERSION_HEADER, XapiRequest, call, without_body
from pathways.xapi.statement_routes import router as statement_router

router = APIRouter()
router.include_router(statement_router)
router.include_router(document_router)

SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]


@router.get("/xapi/about", include_in_schema=False)
def about() -> Response:
    # Public, like the specification allows: a client asks it which versions to speak before anything else.
    body = json.dumps({"version": SUPPORTED_VERSIONS, "extensions": {}})
    return Response(body, media_type="application/json", headers={VERSION_HEADER: "2.0.0"})


def _only(xr: XapiRequest, name: str) -> str:
    params = xr.params
    if set(params) - {name}:
        raise XapiError(f"Unknown parameter(s): {', '.join(sorted(set(params) - {name}))}.")
    if not params.get(name):
        raise XapiError(f"{name}: the parameter is required.")
    return params[name]


def get_activity(xr: XapiRequest) -> Response:
    activity_id = _only(xr, "activityId")
    if not is_iri(activity_id):
        raise XapiError("activityId: must be an IRI.")
    return Response(json.dumps(canonical_activity(xr.session, activity_id)), media_type="application/json")


def get_agents(xr: XapiRequest) -> Response:
    agent = parse_agent_param(_only(xr, "agent"))
    if agent.get("objectType", "Agent") != "Agent":
        raise XapiError("agent: must be an Agent, not a Group.")
    return Response(json.dumps(person(agent)), media_type="application/json")


@router.api_route("/xapi/activities", methods=["GET", "HEAD"], include_in_schema=False)
async def activities_route(request: Request, session: DbSession) -> Response:
    if request.method == "HEAD":
        return await call(request, session, lambda xr: without_body(get_activity(xr)))
    return await call(request, session, get_activity)


@router.api_route("/xapi/agents", methods=["GET", "HEAD"], include_in_schema=False)
async def agents_route(request: Request, session: DbSession) -> Response:
    if request.method == "HEAD":
        return await call(request, session, lambda xr: without_body(get_agents(xr)))
    return await call(request, session, get_agents)


@router.get("/admin/lrs", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    if user.account_role != AccountRole.ADMIN:
        raise Forbidden("Only an administrator can see the Learning Record Store's activity.")
    return render(
        request,
        "xapi/admin.html",
        {
            "statements": admin.recent_statements(session),
            "rejections": admin.recent_rejections(session),
            "clients": admin.client_counts(session),
        },
    )
