"""/scim/v2 (RFC 7644): Users, and the discovery endpoints an identity system reads first.

Reached only with a SCIM bearer token (a signed-in browser gets 401 like anyone else), every answer is
application/scim+json, and every error is a SCIM Error with its scimType where RFC 7644 §3.12 has one. The
routes are left out of the OpenAPI schema: SCIM has its own discovery (Schemas, ResourceTypes).
"""

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    ResourceType,
    Schema,
    SCIMException,
    SearchRequest,
    UnauthorizedException,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.careers.models import Role
from pathways.deps import DbSession
from pathways.errors import bounded, shown
from pathways.org.models import Site
from pathways.scim import schemas, service, tokens
from pathways.scim.models import ScimToken
from pathways.scim.schemas import MAX_PAGE, MEDIA_TYPE, POLICY, ScimUser

PREFIX = "/scim/v2"
router = APIRouter(prefix=PREFIX, include_in_schema=False)
DEFAULT_COUNT = 100


def scim_response(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status_code=status_code, media_type=MEDIA_TYPE, headers=headers)


def error_response(status_code: int, detail: str, scim_type: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    """An error as RFC 7644 §3.12 shapes it: the app answers this way for anything under /scim/."""
    if status_code == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="SCIM"'}
    error = Error(status=status_code, scim_type=scim_type, detail=bounded(detail))
    return scim_response(error.model_dump(scim_ctx=Context.DEFAULT), status_code, headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(SCIMException)
    async def scim_error(request: Request, exc: SCIMException) -> Response:
        error = exc.to_error()
        return error_response(error.status or 400, error.detail or str(exc), error.scim_type)


def scim_token(request: Request, session: DbSession) -> ScimToken:
    authorization = request.headers.get("authorization", "")
    if not authorization.lower().startswith("bearer "):
        raise UnauthorizedException(detail="Send a SCIM bearer token: Authorization: Bearer <token>.")
    token = tokens.token_for(session, authorization[7:].strip())
    if token is None:
        raise UnauthorizedException(detail="The SCIM token is not valid or has been revoked.")
    return token


Authorized = Annotated[ScimToken, Depends(scim_token)]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + PREFIX


async def body_of(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidSyntaxException(detail="The request body is not JSON.") from None


def parsed(model: Any, body: Any, context: Context) -> Any:
    if not isinstance(body, dict):
        raise InvalidSyntaxException(detail="The request body must be a JSON object.")
    try:
        return model.model_validate(body, scim_ctx=context, scim_policy=POLICY)
    except ValidationError as exc:
        error = Error.from_validation_errors(exc)[0]
        raise SCIMException.from_error(error) from None


def user_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFoundException(detail=f"There is no user with id {shown(raw)}.")
    return int(raw)


def dumped(user: ScimUser, context: Context, parameters: Any = None) -> dict[str, Any]:
    return user.model_dump(scim_ctx=context, response_parameters=parameters)


def location(user: ScimUser) -> dict[str, str]:
    return {"Location": user.meta.location} if user.meta and user.meta.location else {}


# ---------------------------------------------------------------- discovery
def _discovery(session: Session) -> tuple[list[Schema], list[ResourceType]]:
    roles = list(session.scalars(select(Role.code).order_by(Role.code)))
    sites = list(session.scalars(select(Site.code).order_by(Site.code)))
    return [schemas.user_schema(roles), schemas.enterprise_schema(sites)], [schemas.user_resource_type()]


def _with_meta(resource: Schema | ResourceType, url: str, kind: str) -> dict[str, Any]:
    body = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": kind, "location": f"{url}/{kind}s/{resource.id}"}
    return body


def _listed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(items),
        "startIndex": 1, "itemsPerPage": len(items), "Resources": items,
    }  # fmt: skip


@router.get("/ServiceProviderConfig")
def service_provider_config(request: Request, token: Authorized) -> Response:
    config = schemas.service_provider_config(str(request.base_url).rstrip("/") + "/docs")
    body = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{base_url(request)}/ServiceProviderConfig",
    }
    return scim_response(body)


@router.get("/Schemas")
def list_schemas(request: Request, session: DbSession, token: Authorized) -> Response:
    found, _ = _discovery(session)
    return scim_response(_listed([_with_meta(s, base_url(request), "Schema") for s in found]))


@router.get("/Schemas/{schema_id}")
def get_schema(schema_id: str, request: Request, session: DbSession, token: Authorized) -> Response:
    found, _ = _discovery(session)
    for schema in found:
        if schema.id == schema_id:
            return scim_response(_with_meta(schema, base_url(request), "Schema"))
    raise NotFoundException(detail=f"There is no schema {shown(schema_id)}.")


@router.get("/ResourceTypes")
def list_resource_types(request: Request, session: DbSession, token: Authorized) -> Response:
    _, types = _discovery(session)
    return scim_response(_listed([_with_meta(t, base_url(request), "ResourceType") for t in types]))


@router.get("/ResourceTypes/{type_id}")
def get_resource_type(type_id: str, request: Request, session: DbSession, token: Authorized) -> Response:
    _, types = _discovery(session)
    for resource_type in types:
        if resource_type.id == type_id:
            return scim_response(_with_meta(resource_type, base_url(request), "ResourceType"))
    raise NotFoundException(detail=f"There is no resource type {shown(type_id)}.")


# ---------------------------------------------------------------- users
def _number(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidValueException(detail=f"{name} {shown(raw)} is not a whole number.") from None


def _search(session: Session, request: Request, search: SearchRequest[ScimUser]) -> Response:
    start = max(1, search.start_index or 1)
    count = DEFAULT_COUNT if search.count is None else max(0, search.count)
    page = service.find_people(session, str(search.filter) if search.filter else None, start, count)
    url = base_url(request)
    users = [service.resource(person, url) for person in page.people]
    response = ListResponse[ScimUser](
        total_results=page.total, start_index=page.start, items_per_page=len(users), resources=users
    )
    return scim_response(response.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


@router.get("/Users")
def list_users(request: Request, session: DbSession, token: Authorized) -> Response:
    query = request.query_params
    body = {
        "filter": query.get("filter") or None,
        "startIndex": _number(query.get("startIndex"), "startIndex", 1),
        "count": min(_number(query.get("count"), "count", DEFAULT_COUNT), MAX_PAGE),
        "attributes": query.get("attributes") or None,
        "excludedAttributes": query.get("excludedAttributes") or None,
    }
    search = parsed(SearchRequest[ScimUser], {k: v for k, v in body.items() if v is not None},
                    Context.SEARCH_REQUEST)  # fmt: skip
    return _search(session, request, search)


@router.post("/Users/.search")
@router.post("/.search")
async def search_users(request: Request, session: DbSession, token: Authorized) -> Response:
    search = parsed(SearchRequest[ScimUser], await body_of(request), Context.SEARCH_REQUEST)
    if search.count is not None:
        search.count = min(search.count, MAX_PAGE)
    return _search(session, request, search)


def _parameters(request: Request) -> Any:
    query = request.query_params
    values = {"attributes": query.get("attributes"), "excludedAttributes": query.get("excludedAttributes")}
    values = {k: v for k, v in values.items() if v}
    return parsed(SearchRequest[ScimUser], values, Context.SEARCH_REQUEST) if values else None


@router.get("/Users/{raw_id}")
def get_user(raw_id: str, request: Request, session: DbSession, token: Authorized) -> Response:
    user = service.resource(service.get_person(session, user_id(raw_id)), base_url(request))
    return scim_response(
        dumped(user, Context.RESOURCE_QUERY_RESPONSE, _parameters(request)), 200, location(user)
    )


@router.post("/Users")
async def create_user(request: Request, session: DbSession, token: Authorized) -> Response:
    user = parsed(ScimUser, await body_of(request), Context.RESOURCE_CREATION_REQUEST)
    saved = service.save(session, service.wanted(user), None, dt.date.today())
    created = service.resource(service.get_person(session, saved), base_url(request))
    return scim_response(dumped(created, Context.RESOURCE_CREATION_RESPONSE), 201, location(created))


@router.put("/Users/{raw_id}")
async def replace_user(raw_id: str, request: Request, session: DbSession, token: Authorized) -> Response:
    employee_id = user_id(raw_id)
    service.get_person(session, employee_id)  # 404 before the body is judged
    user = parsed(ScimUser, await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
    service.save(session, service.wanted(user), employee_id, dt.date.today())
    replaced = service.resource(service.get_person(session, employee_id), base_url(request))
    return scim_response(dumped(replaced, Context.RESOURCE_REPLACEMENT_RESPONSE), 200, location(replaced))


@router.patch("/Users/{raw_id}")
async def patch_user(raw_id: str, request: Request, session: DbSession, token: Authorized) -> Response:
    employee_id = user_id(raw_id)
    body = await body_of(request)
    if not isinstance(body, dict):
        raise InvalidSyntaxException(detail="The request body must be a JSON object.")
    try:
        service.patch(session, employee_id, body, base_url(request), dt.date.today())
    except ValidationError as exc:
        raise SCIMException.from_error(Error.from_validation_errors(exc)[0]) from None
    patched = service.resource(service.get_person(session, employee_id), base_url(request))
    return scim_response(dumped(patched, Context.RESOURCE_PATCH_RESPONSE), 200, location(patched))


@router.delete("/Users/{raw_id}")
def delete_user(raw_id: str, session: DbSession, token: Authorized) -> Response:
    service.delete(session, user_id(raw_id), dt.date.today())
    return Response(status_code=204)
