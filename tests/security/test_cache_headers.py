"""Shared front-desk computers: nothing a signed-in person saw or downloaded stays cached for the next
one, and production tells browsers to use HTTPS only."""

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.config import Settings
from pathways.db import Database
from tests.conftest import serve_in_test_transaction
from tests.helpers import page_csrf, sign_in

HSTS = "max-age=31536000; includeSubDomains"


def test_pages_downloads_and_api_answers_are_never_stored(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    tracker = client.post(
        "/api/v1/me/trackers", json={"role": "psr-2-float"}, headers={"X-CSRF-Token": page_csrf(client)}
    )
    assert tracker.status_code == 201
    tracker_id = tracker.json()["id"]
    answers = {
        "home page": client.get("/"),
        "learning plan": client.get("/learning"),
        "tracker page": client.get(f"/trackers/{tracker_id}"),
        "PDF brief": client.get(f"/api/v1/trackers/{tracker_id}/brief.pdf"),
        "workbook": client.get(f"/api/v1/trackers/{tracker_id}/export.xlsx"),
        "API": client.get("/api/v1/me"),
        "404": client.get("/no-such-page"),
    }
    assert answers["PDF brief"].content.startswith(b"%PDF")
    assert answers["workbook"].content.startswith(b"PK")
    for what, response in answers.items():
        assert response.headers.get("cache-control") == "no-store", what
    sign_in(client, "sup_carl")
    team = client.get("/team.csv")
    assert team.status_code == 200 and team.headers["content-type"].startswith("text/csv")
    assert team.headers["cache-control"] == "no-store"


def test_the_sign_in_page_is_not_stored_but_static_assets_may_be(client: TestClient) -> None:
    assert client.get("/login").headers["cache-control"] == "no-store"
    css = client.get("/static/pathways.css")
    assert css.status_code == 200 and "cache-control" not in css.headers


def test_no_hsts_outside_production(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/login").headers


@pytest.fixture
def production_app(database: Database, session: Session) -> FastAPI:
    settings = Settings(database_url=database.url, environment="production", secret_key="k" * 40)
    app = create_app(settings, database)
    serve_in_test_transaction(app, session)
    return app


def test_production_sends_hsts_on_every_answer(production_app: FastAPI) -> None:
    with TestClient(production_app, base_url="https://testserver") as client:
        for path in ("/login", "/healthz", "/static/pathways.css", "/no-such-page", "/api/v1/me"):
            assert client.get(path).headers["strict-transport-security"] == HSTS, path
