"""A large completions import never makes a front desk's write fail: requests get the lock between batches.

A real server (uvicorn, in a subprocess) and a real `pathways completions import` (another subprocess) share
one database file or PostgreSQL database, outside any test transaction. While the import runs, four clients
keep writing: a sign-in, a form post, an API PATCH and an xAPI POST. Every answer must be a success or a 503
with Retry-After (never a 500 or a dropped connection), and the import must finish with every row recorded.
"""

import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from pathways.auth import service as auth_service
from pathways.db import Database
from pathways.learning.models import Completion
from pathways.xapi import credentials
from tests.conftest import BACKENDS, build_database
from tests.helpers import DEMO_PASSWORD, csrf_from
from tests.learning_plans.import_files import new_completions_csv
from tests.postgres import Cluster
from tests.xapi.conftest import statement
from tests.xapi.live_server import ROOT, LiveServer

ROWS = 100_000
# Requests wait this long for a lock before answering 503. Short, so that one transaction of the old kind (the
# whole file at once, several seconds) would make requests fail within the test: batches must be shorter.
LOCK_WAIT_S = "2"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        return cluster.create_database(f"writes_{uuid.uuid4().hex[:8]}")
    return f"sqlite:///{tmp_path / 'writes.db'}"


@dataclass
class Outcomes:
    statuses: list[tuple[str, int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock = threading.Lock()

    def add(self, kind: str, response: httpx.Response) -> None:
        with self.lock:
            self.statuses.append((kind, response.status_code, response.headers.get("retry-after", "")))


def signed_in(base_url: str, email: str) -> tuple[httpx.Client, str]:
    http = httpx.Client(base_url=base_url, timeout=60)
    page = http.get("/login")
    http.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_from(page.text)})
    return http, csrf_from(http.get("/inbox").text)


def test_requests_keep_working_during_a_large_import(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = build_database(database_url)
    with database.transaction() as session:
        issued = credentials.create_client(session, "Load test LMS")
        token = auth_service.create_token(session, "psr_alice@pathways.example")
    csv_file = tmp_path / "lms.csv"
    csv_file.write_bytes(new_completions_csv(database, ROWS))
    with database.session() as session:
        before = session.scalar(select(func.count()).select_from(Completion)) or 0
    database.engine.dispose()

    monkeypatch.setenv("PATHWAYS_LOCK_TIMEOUT_S", LOCK_WAIT_S)  # the server and the import inherit it
    env = {**os.environ, "PATHWAYS_DATABASE_URL": database_url}
    server = LiveServer(database_url)
    server.start()
    outcomes = Outcomes()
    importing = threading.Event()
    base = server.base_url
    api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
    tracker = api.post("/api/v1/me/trackers", json={"role": "psr-2-site-lead"})
    assert tracker.status_code == 201, tracker.text
    tracker_id = tracker.json()["id"]
    lrs = httpx.Client(
        base_url=base, timeout=60, auth=(issued.key, issued.secret),
        headers={"X-Experience-API-Version": "2.0.0"},
    )  # fmt: skip
    browser, csrf = signed_in(base, "lead_bea@pathways.example")

    def sign_in() -> httpx.Response:
        with httpx.Client(base_url=base, timeout=60) as fresh:
            page = fresh.get("/login")
            if page.status_code != 200:
                return page
            data = {"email": "sup_carl@pathways.example", "password": DEMO_PASSWORD}
            return fresh.post("/login", data={**data, "csrf_token": csrf_from(page.text)})

    def form_post() -> httpx.Response:
        return browser.post("/inbox/read", data={"csrf_token": csrf})

    def api_patch() -> httpx.Response:
        return api.patch(f"/api/v1/trackers/{tracker_id}", json={"notes": f"note {uuid.uuid4()}"})

    def xapi_post() -> httpx.Response:
        return lrs.post("/xapi/statements", json=[statement()])

    def keep_writing(kind: str, write: Callable[[], httpx.Response]) -> None:
        importing.wait(timeout=60)
        while importing.is_set():
            try:
                outcomes.add(kind, write())
            except httpx.HTTPError as exc:
                with outcomes.lock:
                    outcomes.errors.append(f"{kind}: {exc!r}")

    writers = [
        threading.Thread(target=keep_writing, args=(kind, write))
        for kind, write in (
            ("sign-in", sign_in),
            ("form", form_post),
            ("patch", api_patch),
            ("xapi", xapi_post),
        )
    ]
    try:
        for writer in writers:
            writer.start()
        importing.set()
        result = subprocess.run(
            [str(Path(sys.executable).with_name("pathways")), "completions", "import", str(csv_file)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        importing.clear()
        for writer in writers:
            writer.join(timeout=120)
    finally:
        importing.clear()
        server.stop()
        for http in (api, lrs, browser):
            http.close()

    counts: dict[tuple[str, int], int] = {}
    for kind, status, _ in outcomes.statuses:
        counts[(kind, status)] = counts.get((kind, status), 0) + 1
    print("\nresponses during the import:", sorted(counts.items()), "errors:", len(outcomes.errors))
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{ROWS} rows: {ROWS} recorded, 0 already known, 0 rejected" in result.stdout, result.stdout
    database = Database(database_url)
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Completion)) == before + ROWS
    database.engine.dispose()

    assert outcomes.errors == []
    bad = [
        (k, s)
        for k, s, retry in outcomes.statuses
        if not (s < 400 or (s == 503 and re.fullmatch(r"\d+", retry)))
    ]
    assert bad == [], counts
    # Each kind of write got through while the import ran: the import let go of the lock between batches.
    for kind in ("sign-in", "form", "patch", "xapi"):
        assert any(k == kind and s < 400 for k, s, _ in outcomes.statuses), f"no {kind} succeeded meanwhile"
