"""Password reset by an emailed link: single use, expiring, never stored, rate-limited, and the same answer
for addresses with and without an account."""

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth import reset
from pathways.auth.models import PasswordResetToken, SignInThrottle, User
from pathways.config import Settings
from pathways.mail import compose
from pathways.mail.models import OutboxMessage
from tests.helpers import DEMO_PASSWORD, csrf_from, sign_in

NEW_PASSWORD = "a-new-password-2026"
LINK = re.compile(r"http://testserver(/password/reset/[A-Za-z0-9_-]+)")


def ask(client: TestClient, email: str) -> str:
    page = client.get("/password/forgot")
    response = client.post("/password/forgot", data={"email": email, "csrf_token": csrf_from(page.text)})
    return response.text if response.status_code == 200 else f"{response.status_code}: {response.text}"


def emailed_link(session: Session, settings: Settings, email: str) -> str:
    row = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email, OutboxMessage.kind == "password-reset")
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert row is not None, "no reset email was queued"
    text = compose.build(session, row, settings.model_copy(update={"base_url": "http://testserver"}))
    match = LINK.search(text.get_body(preferencelist=("plain",)).get_content())
    assert match, "the email has no reset link"
    return match.group(1)


def choose(client: TestClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None) -> Any:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return client.post(
        path,
        data={"password": password, "confirm": confirm or password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )


def test_the_link_sets_a_new_password_once_and_ends_every_session(
    client: TestClient, session: Session, settings: Settings
) -> None:
    sign_in(client, "psr_alice")
    elsewhere = dict(client.cookies)
    client.cookies.clear()
    assert reset.SENT in ask(client, "PSR_Alice@pathways.example")
    path = emailed_link(session, settings, "psr_alice@pathways.example")
    response = choose(client, path)
    assert response.status_code == 303 and response.headers["location"] == "/login?reset=1"
    assert "Your new password is saved" in client.get("/login?reset=1").text
    sign_in(client, "psr_alice", NEW_PASSWORD)
    client.cookies.clear()
    page = client.get("/login")
    old = client.post(
        "/login",
        data={
            "email": "psr_alice@pathways.example",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_from(page.text),
        },
    )
    assert old.status_code == 400
    # The session from before the reset is over.
    client.cookies.clear()
    client.cookies.update(elsewhere)
    assert client.get("/api/v1/me").status_code == 401
    # Used once: a second visit says so.
    client.cookies.clear()
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in again.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(client: TestClient, session: Session) -> None:
    before = session.scalars(select(OutboxMessage.id)).all()
    known = ask(client, "psr_alice@pathways.example")
    unknown = ask(client, "nobody@pathways.example")
    assert reset.SENT in known and reset.SENT in unknown
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", known) == strip.sub("", unknown)
    after = session.scalars(select(OutboxMessage).where(OutboxMessage.id.not_in(before))).all()
    assert [m.to_address for m in after] == ["psr_alice@pathways.example"]


def test_an_expired_link_gets_a_clear_page_and_changes_nothing(
    client: TestClient, session: Session, settings: Settings
) -> None:
    ask(client, "psr_alice@pathways.example")
    path = emailed_link(session, settings, "psr_alice@pathways.example")
    alice = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
    before = alice.password_hash
    for row in session.scalars(select(PasswordResetToken).where(PasswordResetToken.user_id == alice.id)):
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.flush()
    page = client.get(path)
    assert page.status_code == 400 and reset.LINK_EXPIRED in page.text
    posted = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_from(page.text)}
    )
    assert posted.status_code == 400 and reset.LINK_EXPIRED in posted.text
    session.refresh(alice)
    assert alice.password_hash == before


def test_a_newer_link_replaces_the_older_and_a_made_up_one_is_refused(
    client: TestClient, session: Session, settings: Settings
) -> None:
    ask(client, "psr_alice@pathways.example")
    first = emailed_link(session, settings, "psr_alice@pathways.example")
    ask(client, "psr_alice@pathways.example")
    second = emailed_link(session, settings, "psr_alice@pathways.example")
    assert first != second
    assert reset.LINK_UNKNOWN in client.get(first).text
    assert client.get("/password/reset/made-up-token").status_code == 400
    assert choose(client, second).status_code == 303


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(
    client: TestClient, session: Session, settings: Settings
) -> None:
    ask(client, "psr_alice@pathways.example")
    path = emailed_link(session, settings, "psr_alice@pathways.example")
    short = choose(client, path, "short")
    assert short.status_code == 400 and "at least 10 characters" in short.text
    different = choose(client, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert different.status_code == 400 and "not the same" in different.text
    assert choose(client, path).status_code == 303


def test_the_token_is_stored_nowhere(client: TestClient, session: Session, settings: Settings) -> None:
    ask(client, "psr_alice@pathways.example")
    token = emailed_link(session, settings, "psr_alice@pathways.example").rsplit("/", 1)[1]
    row = session.scalars(select(PasswordResetToken).order_by(PasswordResetToken.id.desc())).first()
    email = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password-reset")).first()
    assert row is not None and email is not None
    stored = [row.salt, row.token_hash or "", str(email.payload), email.subject]
    assert not any(token in value for value in stored)
    assert row.token_hash == reset.token_hash(token)
    # Without the secret key the salt gives nothing away.
    assert reset.token_for(row.salt, "another-key") != token


def test_asking_too_often_is_slowed_down_whether_or_not_the_account_exists(
    client: TestClient, session: Session
) -> None:
    for email in ("psr_alice@pathways.example", "nobody@pathways.example"):
        for _ in range(reset.PER_EMAIL):
            assert reset.SENT in ask(client, email)
        refused = ask(client, email)
        assert refused.startswith("429") and "Too many reset links" in refused
    assert session.get(SignInThrottle, "password-reset email nobody@pathways.example") is not None


def test_a_malformed_address_is_named(client: TestClient) -> None:
    answer = ask(client, "not an email")
    assert answer.startswith("400") and "Enter the email address you sign in with" in answer
