"""What every xAPI request goes through: body size, Basic credentials, the version header, error responses.

xAPI callers are machines with Basic credentials: the browser session and CSRF play no part here, so a
signed-in browser without credentials gets 401 like anyone else. Errors are answered here as JSON with the
version header, instead of by the site's HTML error pages.
"""

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.errors import shown
from pathways.xapi import alternate, credentials, jsoncodec
from pathways.xapi.credentials import ClientIdentity
from pathways.xapi.formats import VERSION, XapiError, response_version
from pathways.xapi.models import XapiRejection

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
        session.execute(text("DELETE FROM xapi_rejections WHERE 0"))


def _handle(
    request: Request, session: Session, handler: Handler, body: bytes, writes: bool, needs_version: bool
) -> Response:
    requested = request.headers.get(VERSION_HEADER)
    client: ClientIdentity | None = None
    try:
        client = authenticate(session, request)
        version = checked_version(request) if needs_version else (requested or "2.0.0")
        xapi_request = XapiRequest(request, session, client, version, body)
        if writes:
            if session.get_bind().dialect.name == "sqlite":
                # End the read of the credentials: on SQLite a write must be the first statement of its
                # transaction (see take_write_lock), and validation runs before that, holding no lock.
                # PostgreSQL goes on in the same transaction: a commit here would cost a second pool
                # checkout (with its pre-ping), a COMMIT and a BEGIN on every write.
                session.commit()
            try:
                with session.begin_nested():
                    response = handler(xapi_request)
            except IntegrityError:
                raise XapiError(
                    "Another request stored the same thing at the same moment; retry.", 409
                ) from None
        else:
            response = handler(xapi_request)
    except XapiError as exc:
        if writes or exc.status_code == 401:
            # The handler's savepoint is already rolled back; end the transaction so that the rejection is
            # written as the first statement of a fresh one (SQLite, see take_write_lock).
            session.commit()
            record_rejection(session, client, request, exc)
        return error_response(exc, requested)
    response.headers[VERSION_HEADER] = response_version(version)
    return response


async def call(
    request: Request,
    session: Session,
    handler: Handler,
    *,
    writes: bool = False,
    needs_version: bool = True,
    alternates: Mapping[str, tuple[Handler, bool]] | None = None,
) -> Response:
    """Run one xAPI request. `alternates`: what a 1.0.3 form POST may stand for, as (handler, writes)."""
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
            handler, writes = alternates[request.method]
    except XapiError as exc:
        return error_response(exc, request.headers.get(VERSION_HEADER))
    return await run_in_threadpool(_handle, request, session, handler, body, writes, needs_version)
