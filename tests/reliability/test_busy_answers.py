"""A request that cannot get its lock in time answers 503 with Retry-After, never a 500, on each backend.

Another connection holds the lock the request needs: SQLite's write lock (BEGIN IMMEDIATE), or on PostgreSQL
the table the request writes to (LOCK TABLE ... IN EXCLUSIVE MODE still lets it read). The app waits
PATHWAYS_LOCK_TIMEOUT_S (here half a second), answers 503 with Retry-After in the shape of the address (JSON
for the API, the LRS's own error for /xapi, a page for the web), and the same request succeeds once the lock
is free. The app runs on a database of its own, outside any test transaction: its requests really commit.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.auth import service as auth_service
from pathways.config import Settings
from pathways.db import Database
from pathways.errors import BUSY
from pathways.xapi import credentials
from tests.conftest import BACKENDS, build_database
from tests.helpers import csrf_from, sign_in
from tests.postgres import Cluster
from tests.xapi.conftest import basic, statement


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"busy_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('busy') / 'busy.db'}"
    database = build_database(url)
    yield database
    database.engine.dispose()


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database.url, environment="test", secret_key="test-secret-key", lock_timeout_s=0.5
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@contextmanager
def locked(database: Database, table: str) -> Iterator[None]:
    """Hold what a write to `table` needs, from another connection, until the block ends."""
    with database.writer_engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("SELECT 1")  # in a transaction begun IMMEDIATE: the write lock
        else:
            connection.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()


def assert_busy(response: Any, kind: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    if kind == "api":
        assert response.json() == {"detail": BUSY}
    elif kind == "xapi":
        assert response.json() == {"error": True, "message": BUSY, "code": 503}
        assert response.headers["x-experience-api-version"].startswith("2.0")
    else:
        assert "text/html" in response.headers["content-type"]
        assert "Busy for a moment" in response.text and "try again in a few seconds" in response.text


def test_api_patch_answers_503_json_while_the_tracker_table_is_locked(
    client: TestClient, database: Database
) -> None:
    with database.transaction() as session:
        token = auth_service.create_token(session, "psr_alice@pathways.example")
    headers = {"Authorization": f"Bearer {token}"}
    tracker = client.post("/api/v1/me/trackers", json={"role": "psr-2-float"}, headers=headers)
    assert tracker.status_code == 201, tracker.text
    path = f"/api/v1/trackers/{tracker.json()['id']}"
    with locked(database, "career_trackers"):
        assert_busy(client.patch(path, json={"notes": "while locked"}, headers=headers), "api")
    after = client.patch(path, json={"notes": "after"}, headers=headers)
    assert after.status_code == 200 and after.json()["notes"] == "after"


def test_a_form_post_answers_a_503_page(client: TestClient, database: Database) -> None:
    sign_in(client, "lead_bea")
    csrf = csrf_from(client.get("/inbox").text)
    with locked(database, "notifications"):
        assert_busy(client.post("/inbox/read", data={"csrf_token": csrf}, follow_redirects=False), "web")
    assert client.post("/inbox/read", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303


def test_a_failed_sign_in_answers_a_503_page_when_it_cannot_be_counted(
    client: TestClient, database: Database
) -> None:
    token = csrf_from(client.get("/login").text)
    form = {"email": "sup_carl@pathways.example", "password": "not this one", "csrf_token": token}
    with locked(database, "sign_in_throttle"):
        assert_busy(client.post("/login", data=form), "web")
    assert client.post("/login", data=form).status_code == 400


def test_an_xapi_post_answers_503_in_the_lrs_shape(client: TestClient, database: Database) -> None:
    with database.transaction() as session:
        issued = credentials.create_client(session, "Busy LMS")
    headers = {"Authorization": basic(issued.key, issued.secret), "X-Experience-API-Version": "2.0.0"}
    body = [statement()]
    with locked(database, "xapi_statements"):
        assert_busy(client.post("/xapi/statements", json=body, headers=headers), "xapi")
    stored = client.post("/xapi/statements", json=body, headers=headers)
    assert stored.status_code == 200 and stored.json() == [body[0]["id"]]


def test_the_lock_wait_is_a_setting(tmp_path: Path) -> None:
    assert Settings(lock_timeout_s=2).lock_timeout_s == 2
    with pytest.raises(ValueError, match="lock_timeout_s"):
        Settings(lock_timeout_s=0)
    database = Database(f"sqlite:///{tmp_path / 'wait.db'}", lock_wait_s=1.5)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 1500
    database.engine.dispose()
