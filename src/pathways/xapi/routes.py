"""The Learning Record Store at /xapi: About, Activities, Agents, and the statement and document resources."""

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pathways.deps import DbSession
from pathways.xapi import credentials
from pathways.xapi.activities import canonical_activity
from pathways.xapi.admin_routes import router as admin_router
from pathways.xapi.agents import parse_agent_param
from pathways.xapi.document_routes import router as document_router
from pathways.xapi.formats import XapiError, is_iri
from pathways.xapi.guard import ALL_METHODS, XapiRoute, unknown_resource
from pathways.xapi.http import VERSION_HEADER, Action, XapiRequest, call, without_body
from pathways.xapi.people import person_object
from pathways.xapi.statement_routes import router as statement_router

lrs_router = APIRouter(route_class=XapiRoute)
lrs_router.include_router(statement_router)
lrs_router.include_router(document_router)

SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]


@lrs_router.get("/xapi/about", include_in_schema=False)
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
    lms_home_page = xr.request.app.state.settings.lms_base_url
    return Response(
        json.dumps(person_object(xr.session, agent, lms_home_page)), media_type="application/json"
    )


ACTIVITIES = Action(get_activity, credentials.READ_ACTIVITIES)
AGENTS = Action(get_agents, credentials.READ_AGENTS)


@lrs_router.api_route("/xapi/activities", methods=["GET", "HEAD"], include_in_schema=False)
async def activities_route(request: Request, session: DbSession) -> Response:
    if request.method == "HEAD":
        return await call(
            request, session, Action(lambda xr: without_body(get_activity(xr)), ACTIVITIES.needs)
        )
    return await call(request, session, ACTIVITIES)


@lrs_router.api_route("/xapi/agents", methods=["GET", "HEAD"], include_in_schema=False)
async def agents_route(request: Request, session: DbSession) -> Response:
    if request.method == "HEAD":
        return await call(request, session, Action(lambda xr: without_body(get_agents(xr)), AGENTS.needs))
    return await call(request, session, AGENTS)


# Last, so that every resource above is matched first: any other address or method under /xapi.
lrs_router.add_api_route("/xapi", unknown_resource, methods=ALL_METHODS, include_in_schema=False)
lrs_router.add_api_route("/xapi/{rest:path}", unknown_resource, methods=ALL_METHODS, include_in_schema=False)

router = APIRouter()
router.include_router(lrs_router)
router.include_router(admin_router)
