import datetime as dt

from fastapi import APIRouter
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.config import Settings
from pathways.db import Database
from pathways.deps import DbSession
from pathways.inbox import service as inbox_service
from tests.helpers import page_csrf, sign_in


def test_an_unexpected_failure_renders_a_plain_500_page(database: Database, settings: Settings) -> None:
    # The app's own session handling (no test override): the failed request's session is rolled back and
    # closed before the error page renders, and that page must still show who is signed in.
    app = create_app(settings, database=database)
    router = APIRouter()

    @router.get("/boom")
    def boom(user: CurrentUser, session: DbSession) -> None:
        session.execute(text("SELECT * FROM no_such_table"))

    app.include_router(router)
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, "psr_alice")
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.text
    assert "Alice Moreno" in response.text
    assert "no_such_table" not in response.text  # no internals leak to the page


def test_an_id_too_large_for_the_database_is_a_clear_422(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    csrf = page_csrf(client)
    response = client.post(f"/api/v1/me/inbox/{2**70}/read", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    assert response.json() == {"detail": "A number in the request is too large or otherwise out of range."}
    assert client.get("/api/v1/me/inbox").status_code == 200


def test_timestamps_carry_their_utc_offset_on_every_database(client: TestClient, session: Session) -> None:
    user = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
    inbox_service.notify_user(session, user.id, "test", "A timestamped message")
    sign_in(client, "psr_alice")
    created = client.get("/api/v1/me/inbox").json()["notifications"][0]["created_at"]
    # RFC 3339 date-time: an offset is required; SQLite used to hand back naive values.
    moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    assert moment.utcoffset() == dt.timedelta(0), created
