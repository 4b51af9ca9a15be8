"""What every xAPI request goes through: body size, Basic credentials, the version header, error responses.

xAPI callers are machines with Basic credentials: the browser session and CSRF play no part here, so a
signed-in browser without credentials gets 401 like anyone else. Errors are answered here as JSON with the
version header, instead of by the site's HTML error pages.
"""

import base64
import binascii
import inspect
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from pathways.db import is_lock_conflict
from pathways.errors import BUSY, AppError, ServiceBusy, shown
from pathways.xapi import alternate, consistency, credentials, jsoncodec
from pathways.xapi.credentials import ClientIdentity
from pathways.xapi.formats import VERSION, XapiError, response_version
from pathways.xapi.models import XapiRejection

log = logging.getLogger(__name__)
VERSION_HEADER = "X-Experience-API-Version"
MAX_BODY_BYTES = 16 * 1024 * 1024
KEEP_REJECTIONS = 500
PRUNE_EVERY = 50  # rejections; pruning on each one would cost a DELETE per refused request
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Pathways LRS"'}


@dataclass
class XapiRequest:
    request: Request
    session: Session
    client: ClientIdentity
    version: str
    body: bytes

    def start_writing(self) -> None:
        """Call after the checks that need no database and before the first read of a write."""
        take_write_lock(self.session)

    @property
    def params(self) -> dict[str, str]:
        return dict(self.request.query_params)

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)


Handler = Callable[[XapiRequest], Response]


@dataclass(frozen=True)
class Action:
    """What one request does: its handler, the scopes that allow it (any one), and whether it writes."""

    handler: Handler
    needs: frozenset[str]
    writes: bool = False


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise XapiError(f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB.", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise XapiError(f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB.", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def without_body(response: Response) -> Response:
    """The answer to HEAD: the GET's status and headers, no content."""
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(status_code=response.status_code, headers=headers)


def json_body(body: bytes) -> Any:
    try:
        return jsoncodec.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise XapiError("The request body is not valid JSON.") from None


def authenticate(session: Session, request: Request) -> ClientIdentity:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise XapiError(
            "Send the LRS client's key and secret with HTTP Basic authentication.", 401, CHALLENGE
        )
    try:
        key, colon, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        key, colon, secret = "", "", ""
    client = credentials.authenticate(session, key, secret) if colon else None
    if client is None:
        raise XapiError("The LRS credentials are not valid or have been revoked.", 401, CHALLENGE)
    return client


def checked_version(request: Request) -> str:
    version = request.headers.get(VERSION_HEADER)
    if version is None:
        raise XapiError(f"The {VERSION_HEADER} header is required (2.0.0 or 1.0.3).")
    if not VERSION.match(version.strip()):
        raise XapiError(f"{VERSION_HEADER}: {shown(version)} is not supported; send 2.0.x or 1.0.x.")
    return version.strip()


def error_response(exc: XapiError, requested: str | None) -> Response:
    headers = {VERSION_HEADER: response_version(requested), **exc.headers}
    body = json.dumps({"error": True, "message": exc.message, "code": exc.status_code})
    return Response(body, status_code=exc.status_code, headers=headers, media_type="application/json")


# Headers of the site's error answers that mean something to a client whatever the body's shape.
KEPT_HEADERS = ("retry-after", "www-authenticate", "allow")


async def _site_answer(request: Request, exc: Exception) -> Response | None:
    """What the site's own handler for this kind of error would answer (for its status and headers only)."""
    handlers: dict[Any, Callable[..., Any]] = request.app.exception_handlers
    for kind in type(exc).__mro__:
        if kind in (Exception, BaseException):
            return None  # the catch-all: an unexpected error, answered below
        handler = handlers.get(kind)
        if handler is not None:
            answer = handler(request, exc)
            response = await answer if inspect.isawaitable(answer) else answer
            return response if isinstance(response, Response) else None
    return None


async def failure_response(request: Request, exc: Exception) -> Response:
    requested = request.headers.get(VERSION_HEADER)
    if isinstance(exc, XapiError):
        return error_response(exc, requested)
    if isinstance(exc, AppError):
        headers = dict(getattr(exc, "headers", None) or {})
        return error_response(XapiError(exc.message, exc.status_code, headers), requested)
    if isinstance(exc, StarletteHTTPException):
        return error_response(XapiError(str(exc.detail), exc.status_code, dict(exc.headers or {})), requested)
    if is_lock_conflict(exc):
        # The driver's own lock error (COPY on PostgreSQL bypasses SQLAlchemy's translation to ServiceBusy)
        # is the same "try again" and says so in the same words.
        return error_response(XapiError(BUSY, 503, dict(ServiceBusy.headers)), requested)
    site = await _site_answer(request, exc)
    if site is not None and site.status_code >= 400:
        headers = {k: v for k, v in site.headers.items() if k.lower() in KEPT_HEADERS}
        message = f"{HTTPStatus(site.status_code).phrase}: the request could not be completed."
        return error_response(XapiError(message, site.status_code, headers), requested)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    unexpected = XapiError("The LRS could not complete the request; the error has been logged.", 500)
    return error_response(unexpected, requested)


def record_rejection(
    session: Session, client: ClientIdentity | None, request: Request, exc: XapiError
) -> None:
    session.add(
        XapiRejection(
            client_id=client.id if client else None,
            method=request.method,
            path=request.url.path[:200],
            status_code=exc.status_code,
            reason=exc.message[:1000],
        )
    )
    session.flush()
    newest = session.scalar(select(func.max(XapiRejection.id))) or 0
    if newest % PRUNE_EVERY == 0:
        session.execute(delete(XapiRejection).where(XapiRejection.id <= newest - KEEP_REJECTIONS))


def take_write_lock(session: Session) -> None:
    """On SQLite, become the writer before the first read.

    A transaction that reads first and writes later fails at once with "database is locked" when another
    connection wrote in between (its snapshot is stale; waiting cannot help). A write as the first statement
    takes the lock up front, waiting for it under busy_timeout instead. PostgreSQL needs nothing of the sort.
    """
    if session.get_bind().dialect.name == "sqlite":
        consistency.take_write_lock(session)


def check_scope(client: ClientIdentity, needs: frozenset[str]) -> None:
    if not client.scopes & needs:
        raise XapiError(
            f"These credentials are limited to {', '.join(sorted(client.scopes))}; this request needs "
            f"{' or '.join(sorted(needs - {credentials.ALL}))} (or all).",
            403,
        )


def _handle(request: Request, session: Session, action: Action, body: bytes, needs_version: bool) -> Response:
    requested = request.headers.get(VERSION_HEADER)
    client: ClientIdentity | None = None
    handler, writes = action.handler, action.writes
    try:
        client = authenticate(session, request)
        version = checked_version(request) if needs_version else (requested or "2.0.0")
        check_scope(client, action.needs)
        xapi_request = XapiRequest(request, session, client, version, body)
        if writes:
            if session.get_bind().dialect.name == "sqlite":
                # End the read of the credentials: on SQLite a write must be the first statement of its
                # transaction (see take_write_lock), and validation runs before that, holding no lock.
                # PostgreSQL goes on in the same transaction: a commit here would cost a second pool
                # checkout (with its pre-ping), a COMMIT and a BEGIN on every write.
                session.commit()
            try:
                response = handler(xapi_request)
            except IntegrityError:
                raise XapiError(
                    "Another request stored the same thing at the same moment; retry.", 409
                ) from None
        else:
            response = handler(xapi_request)
    except XapiError as exc:
        if writes or exc.status_code in (401, 403):
            # Whatever the handler wrote goes (the transaction held nothing else: no savepoint is needed, and
            # a write costs two round trips less), and the rejection is the first statement of a fresh
            # transaction (SQLite, see take_write_lock).
            session.rollback()
            record_rejection(session, client, request, exc)
        return error_response(exc, requested)
    response.headers[VERSION_HEADER] = response_version(version)
    return response


def _handle_to_the_end(
    request: Request, session: Session, action: Action, body: bytes, needs_version: bool
) -> Response:
    """The request and its commit, in one trip to the thread pool: the session dependency then has nothing
    left to do (deps.get_session), and a commit that fails is still answered as an error (see call)."""
    response = _handle(request, session, action, body, needs_version)
    session.commit()
    return response


async def call(
    request: Request,
    session: Session,
    action: Action,
    *,
    needs_version: bool = True,
    alternates: Mapping[str, Action] | None = None,
) -> Response:
    """Run one xAPI request. `alternates`: what a 1.0.3 form POST may stand for, by method."""
    try:
        body = await read_body(request) if request.method in ("PUT", "POST") else b""
        if alternate.is_alternate(request):
            if alternates is None:
                raise XapiError("Unknown parameter: method.")
            request, body = alternate.rewrite(request, body)
            if request.method not in alternates:
                raise XapiError(
                    f"Alternate request syntax: {request.method} is not a method of this resource."
                )
            action = alternates[request.method]
    except XapiError as exc:
        return error_response(exc, request.headers.get(VERSION_HEADER))
    try:
        return await run_in_threadpool(_handle_to_the_end, request, session, action, body, needs_version)
    except Exception as exc:
        # Answered here, so a resource can still add its headers (Consistent-Through); nothing is kept.
        session.rollback()
        return await failure_response(request, exc)
