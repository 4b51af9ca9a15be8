"""Production settings: no server starts on a public or weak secret key, cookies travel over HTTPS only, and
an unexpected error shows a plain page, never a traceback or a debug console."""

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pathways.app import UnsafeSettings, create_app
from pathways.cli import app as cli_app
from pathways.config import DEV_SECRET_KEY, Settings, get_settings
from pathways.db import Database
from tests.conftest import serve_in_test_transaction
from tests.helpers import csrf_from

STRONG_KEY = "k" * 40


def production(database: Database, secret_key: str = STRONG_KEY) -> Settings:
    return Settings(database_url=database.url, environment="production", secret_key=secret_key)


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "short-but-not-default"])
def test_the_app_refuses_to_start_in_production_on_a_public_or_weak_key(database: Database, key: str) -> None:
    with pytest.raises(UnsafeSettings, match="PATHWAYS_SECRET_KEY"):
        create_app(production(database, key), database)


def test_serve_refuses_the_development_key_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHWAYS_ENVIRONMENT", "production")
    monkeypatch.delenv("PATHWAYS_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["serve", "--port", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "PATHWAYS_SECRET_KEY must be set in production" in result.output


@pytest.fixture
def production_app(database: Database, session: Session) -> FastAPI:
    app = create_app(production(database), database)

    serve_in_test_transaction(app, session)

    @app.get("/explode", include_in_schema=False)
    def explode() -> None:
        raise RuntimeError("connection string postgresql://secret@db")

    return app


def test_production_session_cookie_is_https_only(production_app: FastAPI) -> None:
    with TestClient(production_app, base_url="https://testserver") as client:
        form = client.get("/login")
        response = client.post(
            "/login",
            data={
                "email": "psr_alice@pathways.example",
                "password": "pathways-demo",
                "csrf_token": csrf_from(form.text),
            },
            follow_redirects=False,
        )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_an_unexpected_error_in_production_shows_no_traceback(production_app: FastAPI) -> None:
    assert production_app.debug is False
    with TestClient(production_app, base_url="https://testserver", raise_server_exceptions=False) as client:
        response = client.get("/explode")
        redoc = client.get("/redoc")
    assert response.status_code == 500
    assert "secret@db" not in response.text and "Traceback" not in response.text
    # /docs is our offline API reference (api_docs.py); FastAPI's own CDN-loaded pages stay off.
    assert redoc.status_code == 404
