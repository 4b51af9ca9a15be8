"""After an unexpected 500, the same keep-alive connection serves the next request.

Starlette's ServerErrorMiddleware raised the exception again after sending its 500, and Uvicorn closes the
connection when an application raises after its response began: a client's next request on that connection
was reset. A real Uvicorn here, and one httpx connection for both requests.
"""

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from pathways.app import create_app
from pathways.config import Settings
from pathways.db import Database


@pytest.fixture
def server(database: Database, settings: Settings) -> Iterator[str]:
    app: FastAPI = create_app(settings, database)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("a bug on purpose")

    @app.get("/api/v1/boom", include_in_schema=False)
    def api_boom() -> None:
        raise RuntimeError("a bug on purpose, in the API")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def local_port(response: httpx.Response) -> int:
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


@pytest.mark.parametrize(("path", "kind"), [("/boom", "text/html"), ("/api/v1/boom", "application/json")])
def test_the_connection_survives_a_500(
    server: str, path: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    one_connection = httpx.Limits(max_connections=1)
    with caplog.at_level(logging.ERROR), httpx.Client(base_url=server, limits=one_connection) as http:
        failed = http.get(path)
        first_port = local_port(failed)
        after = http.get("/login")
        # One connection for both: the server did not close it after the 500.
        assert local_port(after) == first_port
    assert failed.status_code == 500 and kind in failed.headers["content-type"]
    assert "went wrong on our side" in failed.text and "a bug on purpose" not in failed.text
    assert failed.headers.get("connection", "").lower() != "close"
    assert after.status_code == 200 and "Sign in" in after.text
    logged = [r for r in caplog.records if r.name == "pathways.middleware"]
    assert logged and logged[0].exc_info and "a bug on purpose" in str(logged[0].exc_info[1])
    assert not [r for r in caplog.records if "Exception in ASGI application" in r.getMessage()]
