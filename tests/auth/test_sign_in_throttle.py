"""Sign-in throttling through the real form: a stranger cannot lock a person out of their own computer."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.auth import devices, throttle
from pathways.auth.models import SignInThrottle
from pathways.config import Settings
from pathways.db import Database
from tests.conftest import serve_in_test_transaction
from tests.helpers import DEMO_PASSWORD, csrf_from

ALICE = "psr_alice@pathways.example"


@pytest.fixture
def app(session: Session, settings: Settings, database: Database) -> FastAPI:
    app = create_app(settings, database)
    serve_in_test_transaction(app, session)
    return app


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """Alice's own computer at the front desk, at the site's address."""
    with TestClient(app, client=("10.20.0.1", 50000)) as client:
        yield client


@pytest.fixture
def stranger(app: FastAPI) -> Iterator[TestClient]:
    """Another computer behind the same site NAT: the same address."""
    with TestClient(app, client=("10.20.0.1", 50001)) as client:
        yield client


def attempt(client: TestClient, email: str, password: str) -> Any:
    token = csrf_from(client.get("/login").text)
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=data, follow_redirects=False)


def sign_out(client: TestClient) -> None:
    token = csrf_from(client.get("/").text)
    client.post("/logout", data={"csrf_token": token})


def test_a_stranger_cannot_lock_a_person_out_of_their_own_computer(
    browser: TestClient, stranger: TestClient
) -> None:
    assert attempt(browser, ALICE, DEMO_PASSWORD).status_code == 303
    assert devices.COOKIE in browser.cookies
    sign_out(browser)
    for _ in range(throttle.FREE_FAILURES):
        assert attempt(stranger, ALICE, "guess").status_code == 400
    locked = attempt(stranger, ALICE, DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account. Try again in 1 minute." in locked.text
    assert locked.headers["retry-after"].isdigit()
    assert stranger.get("/api/v1/me").status_code == 401
    # Alice, at her own computer: the right password works.
    assert attempt(browser, ALICE, DEMO_PASSWORD).status_code == 303
    assert browser.get("/api/v1/me").json()["email"] == ALICE
    # The stranger's count was not cleared by her success: still refused there.
    assert attempt(stranger, ALICE, "another guess").status_code == 429


def test_a_spray_from_one_network_is_stopped_but_known_devices_go_on(
    browser: TestClient, stranger: TestClient, app: FastAPI
) -> None:
    assert attempt(browser, ALICE, DEMO_PASSWORD).status_code == 303
    sign_out(browser)
    for n in range(throttle.ADDRESS_BUDGET):
        assert attempt(stranger, f"person{n}@pathways.example", "Winter2026!").status_code == 400
    sprayed = attempt(stranger, "lead_bea@pathways.example", DEMO_PASSWORD)
    assert sprayed.status_code == 429
    assert "Too many failed sign-ins from this network. Try again in 2 minutes." in sprayed.text
    # Elsewhere, the same account signs in; here, Alice's known computer does.
    with TestClient(app, client=("10.99.0.1", 50000)) as elsewhere:
        assert attempt(elsewhere, "lead_bea@pathways.example", DEMO_PASSWORD).status_code == 303
    assert attempt(browser, ALICE, DEMO_PASSWORD).status_code == 303


def test_a_known_device_has_its_own_growing_wait(browser: TestClient, stranger: TestClient) -> None:
    assert attempt(browser, ALICE, DEMO_PASSWORD).status_code == 303
    sign_out(browser)
    for _ in range(throttle.FREE_FAILURES):
        assert attempt(browser, ALICE, "typo").status_code == 400
    slowed = attempt(browser, ALICE, DEMO_PASSWORD)
    assert slowed.status_code == 429
    assert "Too many failed sign-ins on this computer for this account" in slowed.text
    # The account itself was not locked by them: another computer signs in.
    assert attempt(stranger, ALICE, DEMO_PASSWORD).status_code == 303


def test_the_wait_grows_and_a_success_starts_the_count_again(stranger: TestClient, session: Session) -> None:
    key = throttle.account_key("lead_bea@pathways.example")

    def rewind(minutes: int) -> None:
        # As if the last failure were that long ago: the wait is measured from it.
        row = session.get(SignInThrottle, key)
        assert row is not None
        row.last_failure_at -= dt.timedelta(minutes=minutes)
        session.flush()

    for _ in range(throttle.FREE_FAILURES):
        attempt(stranger, "lead_bea@pathways.example", "wrong")
    assert "in 1 minute." in attempt(stranger, "lead_bea@pathways.example", "wrong").text
    rewind(1)
    assert attempt(stranger, "lead_bea@pathways.example", "wrong").status_code == 400
    assert "in 2 minutes." in attempt(stranger, "lead_bea@pathways.example", "wrong").text
    rewind(2)
    assert attempt(stranger, "lead_bea@pathways.example", DEMO_PASSWORD).status_code == 303
    assert session.scalar(select(SignInThrottle).where(SignInThrottle.key == key)) is None


def test_a_device_cookie_not_signed_by_this_server_is_not_a_known_device(
    app: FastAPI, browser: TestClient, stranger: TestClient
) -> None:
    assert attempt(browser, ALICE, DEMO_PASSWORD).status_code == 303
    alice_id = browser.get("/api/v1/me").json()["id"]
    sign_out(browser)
    for _ in range(throttle.FREE_FAILURES):
        attempt(stranger, ALICE, "guess")
    forged = URLSafeTimedSerializer("some-other-key", salt="pathways.known-device").dumps(
        {"d": "x", "u": [alice_id]}
    )
    stranger.cookies.set(devices.COOKIE, forged)
    assert attempt(stranger, ALICE, DEMO_PASSWORD).status_code == 429
    # Another account's device cookie does not make this browser known for Alice either.
    with TestClient(app, client=("10.20.0.1", 50002)) as bea_computer:
        assert attempt(bea_computer, "lead_bea@pathways.example", DEMO_PASSWORD).status_code == 303
        sign_out(bea_computer)
        assert attempt(bea_computer, ALICE, DEMO_PASSWORD).status_code == 429


def test_the_device_cookie_is_signed_http_only_and_remembers_each_account(browser: TestClient) -> None:
    response = attempt(browser, ALICE, DEMO_PASSWORD)
    cookie = response.headers["set-cookie"].lower()
    assert "pathways_device=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    sign_out(browser)
    assert attempt(browser, "lead_bea@pathways.example", DEMO_PASSWORD).status_code == 303
    value = browser.cookies[devices.COOKIE]
    data = URLSafeTimedSerializer("test-secret-key", salt="pathways.known-device").loads(value)
    assert len(data["u"]) == 2 and isinstance(data["d"], str) and len(data["d"]) >= 20
