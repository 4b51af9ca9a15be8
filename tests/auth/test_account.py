"""The account page: name, email shown, password change (ending every other session), email preference."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from tests.helpers import DEMO_PASSWORD, page_csrf, sign_in

NEW_PASSWORD = "another-password-2026"


def alice(session: Session) -> User:
    session.expire_all()
    return session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()


def post(client: TestClient, path: str, **data: str) -> Any:
    return client.post(
        path, data={**data, "csrf_token": page_csrf(client, "/account")}, follow_redirects=False
    )


def test_the_page_shows_who_you_are_and_your_choices(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/account")
    assert page.status_code == 200
    assert "psr_alice@pathways.example" in page.text and 'value="Alice Moreno"' in page.text
    assert 'id="email-each" name="email" value="each" checked' in page.text
    assert 'name="current"' in page.text
    assert 'href="/account"' in client.get("/").text, "the header links to the account page"


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "psr_alice")
    other = dict(client.cookies)
    client.cookies.clear()
    sign_in(client, "psr_alice")
    wrong = post(client, "/account/password", current="not-it", password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    done = post(
        client, "/account/password", current=DEMO_PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    assert done.status_code == 303
    assert "You are signed out everywhere else" in client.get("/account?saved=password").text
    assert client.get("/api/v1/me").status_code == 200, "this session goes on"
    client.cookies.clear()
    client.cookies.update(other)
    assert client.get("/api/v1/me").status_code == 401, "the other session ended"
    client.cookies.clear()
    sign_in(client, "psr_alice", NEW_PASSWORD)


def test_a_weak_new_password_is_refused_and_nothing_changes(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    before = alice(session).password_hash
    short = post(client, "/account/password", current=DEMO_PASSWORD, password="short", confirm="short")
    assert short.status_code == 400 and "at least 10 characters" in short.text
    assert alice(session).password_hash == before


def test_guessing_the_current_password_is_slowed_down(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    for _ in range(5):
        post(client, "/account/password", current="guess", password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    slowed = post(
        client, "/account/password", current=DEMO_PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    assert slowed.status_code == 429


def test_the_email_preference_and_name_are_saved(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    assert post(client, "/account/notifications", email="digest").status_code == 303
    assert alice(session).email_notifications == "digest"
    assert 'value="digest" checked' in client.get("/account").text
    bad = post(client, "/account/notifications", email="hourly")
    assert bad.status_code == 400 and "Choose one" in bad.text
    assert alice(session).email_notifications == "digest"
    assert post(client, "/account/name", name="  Alice   M. Moreno ").status_code == 303
    assert alice(session).name == "Alice M. Moreno"
    empty = post(client, "/account/name", name="   ")
    assert empty.status_code == 400 and "Type your name" in empty.text


def test_forms_without_the_csrf_token_are_refused(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    for path, data in (
        ("/account/notifications", {"email": "none"}),
        ("/account/name", {"name": "X"}),
        ("/account/password", {"current": DEMO_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
    ):
        assert client.post(path, data=data).status_code == 403
    assert alice(session).email_notifications == "each" and alice(session).name == "Alice Moreno"
