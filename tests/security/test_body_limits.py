"""Limits before work: a body is refused before it is read, and an upload is read only for who may send it.

The app is called as an ASGI server would call it, with a receive() that hands out the body chunk by chunk
and counts what was taken: "refused without being read" is a count of bytes, not a guess.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

import anyio
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.config import Settings
from pathways.db import Database
from pathways.learning.imports import MAX_UPLOAD_BYTES
from pathways.middleware import DEFAULT_BODY_BYTES
from pathways.xapi.http import MAX_BODY_BYTES as XAPI_MAX_BODY_BYTES
from tests.conftest import serve_in_test_transaction
from tests.helpers import page_csrf, sign_in

CHUNK = 64 * 1024
BOUNDARY = "pathways-test-boundary"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    bytes_read: int
    receive_calls: int = 0
    chunks: list[bytes] = field(default_factory=list)

    def json(self) -> object:
        import json

        return json.loads(self.body)


def multipart_head(csrf: str | None = None) -> bytes:
    head = b""
    if csrf is not None:
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
        ).encode()
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="lms.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return head


def body_of(size: int, head: bytes = b"") -> Iterator[bytes]:
    """`size` bytes: the head, then filler, in CHUNK-sized pieces, made as they are taken."""
    yield head
    left = size - len(head)
    while left > 0:
        piece = min(CHUNK, left)
        yield b"x" * piece
        left -= piece


def call(
    app: FastAPI,
    method: str,
    path: str,
    chunks: Iterator[bytes],
    *,
    length: int | None,
    headers: dict[str, str] | None = None,
) -> Answer:
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if length is not None:
        raw_headers.append((b"content-length", str(length).encode()))
    else:
        raw_headers.append((b"transfer-encoding", b"chunked"))
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", b"testserver"), *raw_headers],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    answer = Answer(0, {}, b"", 0)
    pending = iter(chunks)

    async def receive() -> dict[str, object]:
        answer.receive_calls += 1
        chunk = next(pending, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        answer.bytes_read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            answer.status = int(message["status"])
            answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    anyio.run(app, scope, receive, send)
    return answer


@pytest.fixture
def app(session: Session, settings: Settings, database: Database) -> FastAPI:
    app = create_app(settings, database)
    serve_in_test_transaction(app, session)
    return app


def cookie_of(client: TestClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
FIVE_MB = 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("/learning/completions/import", 303),  # to the sign-in page
        ("/api/v1/completions/import", 401),
        ("/api/v1/trackers/1/import", 401),
        ("/trackers/1/import", 303),
    ],
)
def test_an_anonymous_upload_is_refused_before_its_body_is_read(
    app: FastAPI, path: str, refused: int
) -> None:
    size = FIVE_MB if "completions" in path else 4 * 1024 * 1024  # within each route's own limit
    answer = call(app, "POST", path, body_of(size, multipart_head()), length=size, headers=MULTIPART)
    assert answer.status == refused
    assert answer.bytes_read == 0  # not a byte parsed, nothing spooled to a temporary file


def test_a_signed_in_non_admin_upload_is_refused_before_its_body_is_read(app: FastAPI) -> None:
    with TestClient(app) as client:
        sign_in(client, "sup_carl")
        headers = {**MULTIPART, "cookie": cookie_of(client), "x-csrf-token": page_csrf(client)}
    body = body_of(FIVE_MB, multipart_head())
    answer = call(app, "POST", "/learning/completions/import", body, length=FIVE_MB, headers=headers)
    assert answer.status == 403 and b"Only administrators can import completions." in answer.body
    assert answer.bytes_read == 0


def test_an_upload_without_its_csrf_token_is_refused(app: FastAPI) -> None:
    with TestClient(app) as client:
        sign_in(client, "admin_ada")
        cookie = cookie_of(client)
        csrf = page_csrf(client)
    small = 200 * 1024
    headers = {**MULTIPART, "cookie": cookie}
    refused = call(app, "POST", "/learning/completions/import", body_of(small, multipart_head()), length=None,
                   headers=headers)  # fmt: skip
    assert refused.status == 403 and b"This form has expired" in refused.body
    forged = call(app, "POST", "/learning/completions/import", body_of(small, multipart_head("forged")),
                  length=None, headers=headers)  # fmt: skip
    assert forged.status == 403
    # With the session's token in the form, an upload is read (and refused only as a bad CSV file).
    whole = multipart_head(csrf) + b"who,what\n\r\n" + f"--{BOUNDARY}--\r\n".encode()
    path = "/learning/completions/import"
    read = call(app, "POST", path, iter([whole]), length=len(whole), headers=headers)
    assert read.status == 400 and b"The header row must be" in read.body


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/login", DEFAULT_BODY_BYTES),
        ("/api/v1/me/trackers", DEFAULT_BODY_BYTES),
        ("/learning/completions/import", MAX_UPLOAD_BYTES + 64 * 1024),
    ],
)
def test_a_declared_length_over_the_limit_is_refused_at_once(app: FastAPI, path: str, limit: int) -> None:
    huge = 300 * 1024 * 1024
    answer = call(app, "POST", path, body_of(huge), length=huge, headers=MULTIPART)
    assert answer.status == 413 and answer.receive_calls == 0
    assert answer.headers["connection"] == "close"
    megabytes = f"{limit / 1_048_576:.1f}".removesuffix(".0")
    expected = f"larger than this address accepts ({megabytes} MB at most). Nothing was changed."
    assert expected.encode() in answer.body
    # Just under the limit is not refused for its size (the page answers for itself: here, not signed in).
    fits = call(app, "POST", path, iter([b""]), length=limit, headers=MULTIPART)
    assert fits.status != 413


def test_a_chunked_body_is_cut_off_at_the_limit(app: FastAPI) -> None:
    # A JSON API route: 1 MB. The body keeps coming; the app stops taking it one chunk past the limit.
    answer = call(app, "POST", "/api/v1/me/trackers", body_of(50 * 1024 * 1024), length=None,
                  headers={"content-type": "application/json"})  # fmt: skip
    assert answer.status == 413 and answer.json() == {
        "detail": "The request is larger than this address accepts (1 MB at most). Nothing was changed."
    }
    assert DEFAULT_BODY_BYTES < answer.bytes_read <= DEFAULT_BODY_BYTES + CHUNK


def test_an_upload_route_takes_its_own_larger_limit_while_streaming(app: FastAPI) -> None:
    with TestClient(app) as client:
        sign_in(client, "admin_ada")
        headers = {**MULTIPART, "cookie": cookie_of(client), "x-csrf-token": page_csrf(client)}
    limit = MAX_UPLOAD_BYTES + 64 * 1024
    answer = call(app, "POST", "/api/v1/completions/import", body_of(40 * 1024 * 1024, multipart_head()),
                  length=None, headers=headers)  # fmt: skip
    assert answer.status == 413
    assert limit < answer.bytes_read <= limit + CHUNK


def test_an_xapi_body_over_its_limit_gets_the_lrs_error_shape(app: FastAPI) -> None:
    headers = {"content-type": "application/json", "x-experience-api-version": "2.0.0"}
    answer = call(app, "POST", "/xapi/statements", body_of(XAPI_MAX_BODY_BYTES + 4 * CHUNK), length=None,
                  headers=headers)  # fmt: skip
    assert answer.status == 413
    body = answer.json()
    assert isinstance(body, dict) and body["error"] is True and body["code"] == 413
    assert answer.headers["x-experience-api-version"].startswith("2.0")
    assert answer.bytes_read <= XAPI_MAX_BODY_BYTES + CHUNK
