"""Single sign-on against a real OpenID provider (tests/sso/provider.mjs): the happy path, and every answer
the app must refuse, each for its own reason, with nobody signed in afterwards."""

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.auth.models import User
from pathways.config import Settings
from pathways.db import Database
from pathways.org.models import Employee
from tests.conftest import serve_in_test_transaction
from tests.sso.conftest import CLIENT_ID, CLIENT_SECRET, Idp

PROVIDER = "Riverside Health Login"


def sso_settings(database: Database, idp: Idp, **extra: object) -> Settings:
    return Settings(
        database_url=database.url,
        environment="test",
        secret_key="test-secret-key",
        base_url="http://testserver",
        oidc_issuer=idp.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_provider_name=PROVIDER,
        oidc_scope="openid email profile employee",
        **extra,
    )  # type: ignore[arg-type]


def app_for(session: Session, database: Database, settings: Settings) -> FastAPI:
    app = create_app(settings, database=database)
    serve_in_test_transaction(app, session)
    return app


@pytest.fixture
def sso(session: Session, database: Database, idp: Idp) -> Iterator[TestClient]:
    with TestClient(app_for(session, database, sso_settings(database, idp))) as client:
        yield client


def session_csrf(client: TestClient) -> str:
    # No form on the page to read it from: the signed session cookie carries it (signed, not encrypted).
    cookie = client.cookies["pathways_session"].split(".")[0]
    return str(json.loads(base64.b64decode(cookie + "=" * (-len(cookie) % 4)))["csrf"])


def who(client: TestClient) -> str | None:
    response = client.get("/api/v1/me")
    return response.json()["email"] if response.status_code == 200 else None


def test_the_sign_in_page_offers_the_provider(sso: TestClient) -> None:
    page = sso.get("/login")
    assert f"Sign in with {PROVIDER}" in page.text
    assert 'href="/auth/oidc/start?next=/"' in page.text or "/auth/oidc/start?next=%2F" in page.text
    assert 'name="password"' in page.text  # local passwords stay allowed unless turned off


def test_the_request_carries_pkce_state_and_nonce(sso: TestClient, idp: Idp) -> None:
    location = sso.get("/auth/oidc/start", follow_redirects=False).headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{idp.issuer}/auth?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://testserver/auth/oidc/callback"]
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0].split()


def test_a_person_signs_in_with_the_provider_and_lands_where_they_were_going(
    sso: TestClient, idp: Idp
) -> None:
    callback = idp.sign_in(sso, "alice-sub", start="/auth/oidc/start?next=/learning")
    response = sso.get(callback, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/learning"
    assert who(sso) == "psr_alice@pathways.example"
    assert sso.get("/learning").status_code == 200


def test_a_replayed_callback_is_refused(sso: TestClient, idp: Idp) -> None:
    callback = idp.sign_in(sso, "alice-sub")
    assert sso.get(callback, follow_redirects=False).status_code == 303
    sso.cookies.clear()
    again = sso.get(callback, follow_redirects=False)
    assert again.status_code == 400
    assert "already used, has expired, or was started in another browser" in again.text
    assert who(sso) is None


def test_a_replayed_state_with_the_old_cookie_is_refused_by_the_code_being_spent(
    sso: TestClient, idp: Idp
) -> None:
    callback = idp.sign_in(sso, "alice-sub")
    before = dict(sso.cookies)
    assert sso.get(callback, follow_redirects=False).status_code == 303
    sso.cookies.clear()
    sso.cookies.update(before)  # the cookie from before the callback still names the state
    again = sso.get(callback, follow_redirects=False)
    assert again.status_code == 400
    assert f"{PROVIDER} refused the sign-in code (invalid_grant" in again.text
    assert who(sso) is None


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("expired", "it has expired"),
        ("audience", "it was issued for another application (audience &#39;another-application&#39;)"),
        ("issuer", "it comes from another issuer (&#39;http://127.0.0.1:9/another-issuer&#39;"),
        ("tamper", "its signature does not match the provider&#39;s keys"),
        ("foreign", "its signature does not match the provider&#39;s keys"),
        ("nonce", "its nonce is not the one this sign-in sent"),
    ],
)
def test_a_bad_id_token_is_refused_for_its_reason(sso: TestClient, idp: Idp, mode: str, reason: str) -> None:
    callback = idp.sign_in(sso, "alice-sub")
    idp.next_id_token(mode)
    response = sso.get(callback, follow_redirects=False)
    assert response.status_code == 400
    assert f"The answer from {PROVIDER} was refused: {reason}" in response.text
    assert who(sso) is None


def test_someone_without_an_account_gets_a_clear_page_and_no_account(
    sso: TestClient, idp: Idp, session: Session
) -> None:
    response = sso.get(idp.sign_in(sso, "stranger-sub"), follow_redirects=False)
    assert response.status_code == 403
    assert "Pathways has no account for stranger@elsewhere.example" in response.text
    assert session.scalar(select(User).where(User.email == "stranger@elsewhere.example")) is None
    assert who(sso) is None


def test_an_unverified_email_is_not_trusted(sso: TestClient, idp: Idp) -> None:
    response = sso.get(idp.sign_in(sso, "unverified-sub"), follow_redirects=False)
    assert response.status_code == 403 and "is not verified" in response.text
    assert who(sso) is None


def test_a_disabled_account_cannot_sign_in(sso: TestClient, idp: Idp, session: Session) -> None:
    alice = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
    alice.is_active = False
    session.flush()
    response = sso.get(idp.sign_in(sso, "alice-sub"), follow_redirects=False)
    assert response.status_code == 403 and "turned off" in response.text


def test_the_provider_saying_no_is_explained(sso: TestClient) -> None:
    response = sso.get("/auth/oidc/callback?error=access_denied&error_description=End-User+aborted&state=x")
    assert response.status_code == 400
    assert f"{PROVIDER} did not sign you in (access_denied: End-User aborted)" in response.text


def test_accounts_can_be_made_for_people_on_record_when_configured(
    session: Session, database: Database, idp: Idp
) -> None:
    # An employee with no account yet, whose work email the provider vouches for.
    person = session.scalars(
        select(Employee).where(
            Employee.id.not_in(select(User.employee_id).where(User.employee_id.is_not(None)))
        )
    ).first()
    assert person is not None
    person.email = "stranger@elsewhere.example"
    session.flush()
    settings = sso_settings(database, idp, oidc_create_accounts=True)
    with TestClient(app_for(session, database, settings)) as client:
        response = client.get(idp.sign_in(client, "stranger-sub"), follow_redirects=False)
        assert response.status_code == 303
        assert who(client) == "stranger@elsewhere.example"
    made = session.scalars(select(User).where(User.email == "stranger@elsewhere.example")).one()
    assert made.employee_id == person.id and made.account_role == "employee" and made.password_hash is None


def test_people_can_be_matched_by_employee_number(session: Session, database: Database, idp: Idp) -> None:
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()
    alice.employee_number = "E-ALICE"
    session.flush()
    settings = sso_settings(database, idp, oidc_claim="employee_number", oidc_match="employee_number")
    with TestClient(app_for(session, database, settings)) as client:
        assert client.get(idp.sign_in(client, "alice-sub"), follow_redirects=False).status_code == 303
        assert who(client) == "psr_alice@pathways.example"


def test_local_passwords_can_be_turned_off(session: Session, database: Database, idp: Idp) -> None:
    settings = sso_settings(database, idp, local_passwords=False)
    with TestClient(app_for(session, database, settings)) as client:
        page = client.get("/login")
        assert f"Sign in with {PROVIDER}" in page.text and 'name="password"' not in page.text
        refused = client.post(
            "/login",
            data={
                "email": "psr_alice@pathways.example",
                "password": "pathways-demo",
                "csrf_token": session_csrf(client),
            },
        )
        assert refused.status_code == 400 and "passwords are turned off" in refused.text
        assert who(client) is None
        assert client.get("/password/forgot").status_code == 404
        assert client.get(idp.sign_in(client, "alice-sub"), follow_redirects=False).status_code == 303
        assert who(client) == "psr_alice@pathways.example"
