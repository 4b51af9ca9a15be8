"""The Statements resource: PUT, POST, GET and HEAD on /xapi/statements."""

import datetime as dt
import json
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.badges import service as badges
from pathways.deps import DbSession
from pathways.xapi import consistency, credentials, formatting, queries
from pathways.xapi.formats import XapiError, http_date, is_uuid, timestamp_to_ms
from pathways.xapi.guard import XapiRoute
from pathways.xapi.http import Action, XapiRequest, call, json_body, without_body
from pathways.xapi.models import XapiAttachment
from pathways.xapi.multipart import (
    attachments_from_parts,
    build_response,
    parse_parts,
    require_no_missing_content,
    statements_json,
)
from pathways.xapi.statements import Batch, collector_paused, store, validate_batch

router = APIRouter(prefix="/xapi", include_in_schema=False, route_class=XapiRoute)

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
SINGLE_PARAMS = frozenset({"statementId", "voidedStatementId", "format", "attachments"})


def _batch(xr: XapiRequest, statement_id: str | None) -> Batch:
    content_type = (xr.header("content-type") or "").lower()
    if content_type.startswith("multipart/mixed"):
        parts = parse_parts(xr.body, xr.header("content-type") or "")
        statements = validate_batch(statements_json(parts[0]), statement_id)
        return Batch(statements, attachments_from_parts(statements, parts[1:]))
    if not content_type.startswith("application/json"):
        raise XapiError("Content-Type: statements are sent as application/json or multipart/mixed.")
    statements = validate_batch(json_body(xr.body), statement_id)
    require_no_missing_content(statements)
    return Batch(statements)


def _awarder(xr: XapiRequest) -> Callable[[set[int]], object]:
    """Badges for the completions a batch records, in its transaction: a fixed number of queries a batch."""
    how = badges.issuing(xr.request.app.state.settings)
    return lambda employee_ids: badges.award_many(xr.session, how, employee_ids)


def put_statement(xr: XapiRequest) -> Response:
    statement_id = xr.params.get("statementId")
    if statement_id is None:
        raise XapiError("statementId: the parameter is required to PUT a statement.")
    if not is_uuid(statement_id):
        raise XapiError("statementId: must be a UUID.")
    unknown = set(xr.params) - {"statementId"}
    if unknown:
        raise XapiError(f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    with collector_paused():
        batch = _batch(xr, statement_id.lower())
        store(xr.session, xr.client, batch, xr.version, xr.start_writing, _awarder(xr))
    return Response(status_code=204)


def post_statements(xr: XapiRequest) -> Response:
    if xr.params:
        raise XapiError(f"Unknown parameter(s): {', '.join(sorted(xr.params))}.")
    with collector_paused():
        batch = _batch(xr, None)
        ids = store(xr.session, xr.client, batch, xr.version, xr.start_writing, _awarder(xr))
    return Response(json.dumps(ids), media_type="application/json")


def _with_attachments(xr: XapiRequest, result_json: str, documents: list[str]) -> Response:
    hashes = queries.attachment_hashes(documents)
    rows = (
        {a.sha2: a for a in xr.session.scalars(select(XapiAttachment).where(XapiAttachment.sha2.in_(hashes)))}
        if hashes
        else {}
    )
    body, content_type = build_response(
        result_json, [(h, rows[h].content_type, rows[h].content) for h in hashes if h in rows]
    )
    return Response(body, media_type=content_type)


def _respond(xr: XapiRequest, result_json: str, documents: list[str], attachments: bool) -> Response:
    if attachments:
        return _with_attachments(xr, result_json, documents)
    return Response(result_json, media_type="application/json")


def get_statements(xr: XapiRequest) -> Response:
    params = xr.params
    languages = formatting.preferred_languages(xr.header("accept-language"))
    # statements/read/mine: only what these credentials stored, whatever a `more` link says.
    only_client = xr.client.id if xr.client.reads_only_its_own else None
    if "statementId" in params or "voidedStatementId" in params:
        if "statementId" in params and "voidedStatementId" in params:
            raise XapiError("Send statementId or voidedStatementId, not both.")
        extra = set(params) - SINGLE_PARAMS
        if extra:
            raise XapiError(f"{', '.join(sorted(extra))}: not allowed with statementId or voidedStatementId.")
        voided = "voidedStatementId" in params
        wanted = params["voidedStatementId" if voided else "statementId"]
        if not is_uuid(wanted):
            raise XapiError(f"{'voidedStatementId' if voided else 'statementId'}: must be a UUID.")
        fmt, attachments = queries.common_options(params)
        consistent = consistency.consistent_through(xr.session)  # before the read, in a snapshot of its own
        found = queries.single(xr.session, wanted, voided, only_client)
        if found is None:
            raise XapiError(f"No {'voided ' if voided else ''}statement with id {wanted}.", 404)
        stored_ms, document = found
        response = _respond(xr, formatting.render(document, fmt, languages), [document], attachments)
    else:
        if "more" in params:
            if set(params) != {"more"}:
                raise XapiError("more: send the paging link as it was given, without other parameters.")
            query = queries.decode_more(params["more"])
        else:
            query = queries.parse_query(params)
        consistent = consistency.consistent_through(xr.session)
        rows, more = queries.run(xr.session, query, only_client)
        documents = [row[2] for row in rows]
        rendered = ",".join(formatting.render(d, query.format, languages) for d in documents)
        more_link = f"/xapi/statements?more={more}" if more else ""
        result = f'{{"statements":[{rendered}],"more":{json.dumps(more_link)}}}'
        response = _respond(xr, result, documents, query.attachments)
        stored_ms = max((row[1] for row in rows), default=0) or timestamp_to_ms(dt.datetime.now(dt.UTC))
    response.headers[CONSISTENT_THROUGH] = consistent
    response.headers["Last-Modified"] = http_date(stored_ms)
    return response


def head_statements(xr: XapiRequest) -> Response:
    return without_body(get_statements(xr))


WRITE_ONE = Action(put_statement, credentials.WRITE_STATEMENTS, writes=True)
WRITE_MANY = Action(post_statements, credentials.WRITE_STATEMENTS, writes=True)
READ = Action(get_statements, credentials.READ_STATEMENTS)
READ_HEAD = Action(head_statements, credentials.READ_STATEMENTS)


@router.put("/statements")
async def put_route(request: Request, session: DbSession) -> Response:
    return await call(request, session, WRITE_ONE)


@router.post("/statements")
async def post_route(request: Request, session: DbSession) -> Response:
    alternates = {"GET": READ, "PUT": WRITE_ONE, "POST": WRITE_MANY}
    response = await call(request, session, WRITE_MANY, alternates=alternates)
    if request.query_params.get("method", "").upper() == "GET":  # a GET in the alternate request syntax
        return await _with_consistent_through(response, session)
    return response


async def _with_consistent_through(response: Response, session: Session) -> Response:
    # Communication 2.1.3 (xAPI 1.0.3: 2.1.3.s2.b5; conformance XAPI-00153): on every Statement GET,
    # "regardless of the code returned", errors included. A client polls with it until it may trust a result
    # (ADL's suite does, after a refused request too), so an error answers the database's current value as
    # well; only when the database cannot be asked, the latest value found, which stays true.
    if CONSISTENT_THROUGH not in response.headers:
        try:
            value = await run_in_threadpool(consistency.consistent_through, session)
        except SQLAlchemyError:
            await run_in_threadpool(session.rollback)
            value = consistency.latest_known(session)
        response.headers[CONSISTENT_THROUGH] = value
    return response


@router.get("/statements")
async def get_route(request: Request, session: DbSession) -> Response:
    return await _with_consistent_through(await call(request, session, READ), session)


@router.head("/statements")
async def head_route(request: Request, session: DbSession) -> Response:
    return await _with_consistent_through(await call(request, session, READ_HEAD), session)
