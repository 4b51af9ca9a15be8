"""Basic credentials (issued, wrong, revoked; never the browser session) and the version header."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.xapi import credentials
from pathways.xapi import http as xapi_http
from pathways.xapi.models import XapiRejection
from tests.helpers import sign_in
from tests.xapi.conftest import Lrs, basic, statement


def test_no_credentials_is_401_with_a_basic_challenge(client: TestClient) -> None:
    response = client.get("/xapi/statements", headers={"X-Experience-API-Version": "2.0.0"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


def test_wrong_secret_and_unknown_key_are_401(lrs: Lrs) -> None:
    for authorization in (basic(lrs.key, "wrong"), basic("unknown", lrs.secret), "Basic !!!", "Bearer abc"):
        response = lrs.client.get(
            "/xapi/statements", headers={"Authorization": authorization, "X-Experience-API-Version": "2.0.0"}
        )
        assert response.status_code == 401, authorization


def test_revoked_credentials_are_401_at_once(lrs: Lrs, session: Session) -> None:
    assert lrs.get().status_code == 200
    credentials.revoke_client(session, lrs.key)
    assert lrs.get().status_code == 401
    assert lrs.post(statement()).status_code == 401


def test_a_browser_session_alone_does_not_reach_the_lrs(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    assert client.get("/admin/lrs").status_code == 200  # signed in
    response = client.post(
        "/xapi/statements", json=statement(), headers={"X-Experience-API-Version": "2.0.0"}
    )
    assert response.status_code == 401


def test_secrets_are_stored_hashed(session: Session, lrs_credentials: credentials.IssuedCredentials) -> None:
    listed = {c.key: c for c in credentials.list_clients(session)}
    assert lrs_credentials.secret not in listed[lrs_credentials.key].secret_hash
    assert len(listed[lrs_credentials.key].secret_hash) == 64


@pytest.mark.parametrize("version", [None, "3.0.0", "0.95", "2.1.0", "banana"])
def test_missing_or_unsupported_version_is_400(lrs: Lrs, version: str | None) -> None:
    headers = {"Authorization": basic(lrs.key, lrs.secret)}
    if version:
        headers["X-Experience-API-Version"] = version
    response = lrs.client.get("/xapi/statements", headers=headers)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["message"]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.parametrize(
    ("sent", "answered"),
    [("1.0", "1.0.3"), ("1.0.0", "1.0.3"), ("1.0.3", "1.0.3"), ("2.0", "2.0.0"), ("2.0.0", "2.0.0")],
)
def test_supported_versions_are_accepted(lrs: Lrs, sent: str, answered: str) -> None:
    lrs.version = sent
    response = lrs.get({"limit": "1"})
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == answered


def test_refused_requests_are_pruned_to_the_most_recent(
    lrs: Lrs, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xapi_http, "KEEP_REJECTIONS", 3)
    monkeypatch.setattr(xapi_http, "PRUNE_EVERY", 1)
    for _ in range(6):
        assert lrs.post({"colour": "blue"}).status_code == 400
    assert len(session.scalars(select(XapiRejection.id)).all()) == 3


def test_refused_writes_are_recorded_with_the_reason(lrs: Lrs, session: Session) -> None:
    bad = statement()
    bad["verb"]["id"] = "not an iri"
    lrs.post(bad)
    reasons = session.scalars(select(XapiRejection.reason).order_by(XapiRejection.id.desc())).all()
    assert any("verb.id" in reason for reason in reasons)
