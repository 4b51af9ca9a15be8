"""The State, Activity Profile and Agent Profile resources: documents keyed by activity, agent and id."""

import json
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pathways.deps import DbSession
from pathways.errors import shown
from pathways.xapi import credentials, documents
from pathways.xapi.agents import ifi_key, parse_agent_param
from pathways.xapi.documents import Preconditions, Scope
from pathways.xapi.formats import (
    MEDIA_TYPE_LENGTH,
    XapiError,
    http_date,
    is_iri,
    is_uuid,
    parse_timestamp,
    timestamp_to_ms,
)
from pathways.xapi.guard import XapiRoute
from pathways.xapi.http import Action, XapiRequest, call, without_body

router = APIRouter(prefix="/xapi", include_in_schema=False, route_class=XapiRoute)

RESOURCES = {
    documents.STATE: ("stateId", frozenset({"activityId", "agent", "registration", "stateId", "since"})),
    documents.ACTIVITY_PROFILE: ("profileId", frozenset({"activityId", "profileId", "since"})),
    documents.AGENT_PROFILE: ("profileId", frozenset({"agent", "profileId", "since"})),
}


def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise XapiError(f"{name}: the parameter is required.")
    return value


def _scope(kind: str, params: Mapping[str, str]) -> Scope:
    allowed = RESOURCES[kind][1]
    unknown = set(params) - allowed
    if unknown:
        raise XapiError(f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    activity_id = agent_key = registration = None
    if kind in (documents.STATE, documents.ACTIVITY_PROFILE):
        activity_id = _required(params, "activityId")
        if not is_iri(activity_id):
            raise XapiError("activityId: must be an IRI.")
    if kind in (documents.STATE, documents.AGENT_PROFILE):
        agent_key = ifi_key(parse_agent_param(_required(params, "agent")))
    if kind == documents.STATE and "registration" in params:
        if not is_uuid(params["registration"]):
            raise XapiError("registration: must be a UUID.")
        registration = params["registration"].lower()
    return Scope(kind, activity_id, agent_key, registration)


def _preconditions(xr: XapiRequest, kind: str) -> Preconditions:
    legacy = xr.version.startswith("1.0")
    profile = kind != documents.STATE
    return Preconditions(
        xr.header("if-match"), xr.header("if-none-match"), profile or not legacy, profile and legacy
    )


def _get(xr: XapiRequest, kind: str) -> Response:
    params = xr.params
    scope = _scope(kind, params)
    id_name = RESOURCES[kind][0]
    if id_name in params:
        if "since" in params:
            raise XapiError(f"since: only used when listing documents, not with {id_name}.")
        document = documents.get(xr.session, scope, params[id_name])
        if document is None:
            raise XapiError(f"No document with {id_name} {shown(params[id_name])}.", 404)
        return Response(
            document.content,
            media_type=document.content_type,
            headers={"ETag": f'"{document.etag}"', "Last-Modified": http_date(document.updated_ms)},
        )
    since_ms = None
    if "since" in params:
        moment = parse_timestamp(params["since"])
        if moment is None:
            raise XapiError("since: must be an ISO 8601 timestamp.")
        since_ms = timestamp_to_ms(moment)
    ids, latest = documents.list_ids(xr.session, scope, since_ms)
    headers = {"Last-Modified": http_date(latest)} if latest else {}
    return Response(json.dumps(ids), media_type="application/json", headers=headers)


def _save(xr: XapiRequest, kind: str) -> Response:
    params = xr.params
    scope = _scope(kind, params)
    if "since" in params:
        raise XapiError("since: only used when listing documents.")
    document_id = _required(params, RESOURCES[kind][0])
    content_type = xr.header("content-type") or "application/octet-stream"
    if len(content_type) > MEDIA_TYPE_LENGTH:
        raise XapiError(f"Content-Type: longer than {MEDIA_TYPE_LENGTH} characters.")
    xr.start_writing()
    documents.save(
        xr.session, scope, document_id, xr.body, content_type, xr.request.method, _preconditions(xr, kind)
    )
    return Response(status_code=204)


def _delete(xr: XapiRequest, kind: str) -> Response:
    params = xr.params
    scope = _scope(kind, params)
    id_name = RESOURCES[kind][0]
    document_id = params.get(id_name)
    if document_id is None and kind != documents.STATE:
        raise XapiError(f"{id_name}: the parameter is required.")
    xr.start_writing()
    documents.remove(xr.session, scope, document_id, _preconditions(xr, kind))
    return Response(status_code=204)


def _routes(path: str, kind: str) -> None:
    reads, writes = (
        (credentials.READ_STATE, credentials.WRITE_STATE)
        if kind == documents.STATE
        else (credentials.READ_PROFILES, credentials.WRITE_PROFILES)
    )
    read = Action(lambda xr: _get(xr, kind), reads)
    save = Action(lambda xr: _save(xr, kind), writes, writes=True)
    remove = Action(lambda xr: _delete(xr, kind), writes, writes=True)

    async def get_route(request: Request, session: DbSession) -> Response:
        if request.method == "HEAD":
            return await call(request, session, Action(lambda xr: without_body(_get(xr, kind)), reads))
        return await call(request, session, read)

    async def save_route(request: Request, session: DbSession) -> Response:
        alternates = {"GET": read, "PUT": save, "POST": save, "DELETE": remove}
        return await call(request, session, save, alternates=alternates)

    async def remove_route(request: Request, session: DbSession) -> Response:
        return await call(request, session, remove)

    router.add_api_route(path, get_route, methods=["GET", "HEAD"], name=f"xapi_{kind}_get")
    router.add_api_route(path, save_route, methods=["PUT", "POST"], name=f"xapi_{kind}_save")
    router.add_api_route(path, remove_route, methods=["DELETE"], name=f"xapi_{kind}_delete")


_routes("/activities/state", documents.STATE)
_routes("/activities/profile", documents.ACTIVITY_PROFILE)
_routes("/agents/profile", documents.AGENT_PROFILE)
