"""An acknowledged statement is never lost: SIGKILL the server mid-stream, restart it, read all back."""

import threading
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKENDS
from tests.postgres import Cluster
from tests.xapi.conftest import statement
from tests.xapi.live_server import LiveServer, prepare_database

ACKS_BEFORE_KILL = 40


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        return cluster.create_database(f"xapi_kill_{uuid.uuid4().hex[:8]}")
    return f"sqlite:///{tmp_path / 'lrs.db'}"


def test_every_acknowledged_statement_survives_sigkill(database_url: str) -> None:
    issued = prepare_database(database_url)
    server = LiveServer(database_url)
    server.start()
    acknowledged: list[str] = []
    enough = threading.Event()
    failures: list[str] = []

    def stream() -> None:
        headers = {"X-Experience-API-Version": "2.0.0"}
        with httpx.Client(
            base_url=server.base_url, auth=(issued.key, issued.secret), headers=headers
        ) as http:
            while True:
                batch = [statement() for _ in range(5)]
                try:
                    response = http.post("/xapi/statements", json=batch, timeout=10)
                except httpx.HTTPError:
                    return  # the server is gone: whatever was not acknowledged may be lost
                if response.status_code != 200:
                    failures.append(response.text)
                    return
                acknowledged.extend(response.json())
                if len(acknowledged) >= ACKS_BEFORE_KILL:
                    enough.set()

    writer = threading.Thread(target=stream)
    try:
        writer.start()
        assert enough.wait(timeout=60), "the server acknowledged too few statements before the kill"
        server.kill()  # while the writer is still posting
        writer.join(timeout=30)
        assert not failures, failures
        server.start()
        headers = {"X-Experience-API-Version": "2.0.0"}
        with httpx.Client(
            base_url=server.base_url, auth=(issued.key, issued.secret), headers=headers
        ) as http:
            missing = [
                sid
                for sid in acknowledged
                if http.get("/xapi/statements", params={"statementId": sid}).status_code != 200
            ]
    finally:
        server.stop()
    assert len(acknowledged) >= ACKS_BEFORE_KILL
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged statements were lost"
