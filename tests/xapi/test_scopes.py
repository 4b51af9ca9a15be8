"""Scoped credentials (xAPI's scope names): refused with an xAPI-shaped 403 outside their scope; revocable."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pathways.config import get_settings
from pathways.errors import BadRequest
from pathways.migrate import upgrade
from pathways.xapi import credentials
from pathways.xapi.cli import cli
from pathways.xapi.models import XapiRejection
from tests.xapi.conftest import Lrs, agent, statement

ACTIVITY = "http://lms.example/activities/intro"
STATE = {"activityId": ACTIVITY, "agent": json.dumps(agent("ida")), "stateId": "bookmark"}
PROFILE = {"activityId": ACTIVITY, "profileId": "settings"}


@pytest.fixture
def scoped(client: TestClient, session: Session) -> Callable[..., Lrs]:
    def make(*scopes: str) -> Lrs:
        issued = credentials.create_client(session, f"LMS with {' '.join(scopes)}", scopes)
        session.commit()
        return Lrs(client, issued.key, issued.secret)

    return make


def refused(response: Any, needs: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    if response.request.method == "HEAD":
        return
    body = response.json()
    assert body["error"] is True and body["code"] == 403
    assert needs in body["message"]


def doc(lrs: Lrs, method: str, path: str, params: dict[str, str]) -> Any:
    body = json.dumps({"page": 1}) if method in ("PUT", "POST") else None
    headers = {"Content-Type": "application/json", "If-None-Match": "*"} if body else None
    return lrs.request(method, path, params=params, content=body, headers=headers)


def test_a_write_only_client_stores_statements_and_reads_nothing(scoped: Callable[..., Lrs]) -> None:
    lms = scoped(credentials.STATEMENTS_WRITE)
    s = statement()
    assert lms.post(s).status_code == 200
    other = statement()
    assert lms.put(other["id"], other).status_code == 204
    refused(lms.get({"statementId": s["id"]}), "statements/read")
    refused(lms.request("HEAD", "/statements"), "statements/read")
    refused(doc(lms, "GET", "/activities/state", STATE), "state")
    refused(doc(lms, "PUT", "/activities/profile", PROFILE), "profile")
    refused(lms.request("GET", "/agents", params={"agent": json.dumps(agent("ida"))}), "profile")


def test_read_mine_sees_only_the_statements_its_own_credentials_stored(
    scoped: Callable[..., Lrs], lrs: Lrs
) -> None:
    mine_lms = scoped(credentials.STATEMENTS_WRITE, credentials.STATEMENTS_READ_MINE)
    mine, theirs, newer = statement(), statement(), statement()
    assert mine_lms.post(mine).status_code == 200
    assert lrs.post(theirs).status_code == 200
    assert mine_lms.post(newer).status_code == 200
    assert mine_lms.get({"statementId": mine["id"]}).status_code == 200
    assert mine_lms.get({"statementId": theirs["id"]}).status_code == 404
    first = mine_lms.get({"limit": "1"}).json()
    assert [x["id"] for x in first["statements"]] == [newer["id"]]
    # Paging cannot widen it: the restriction comes from the credentials, not from the `more` link.
    page = mine_lms.client.get(first["more"], headers=mine_lms.headers()).json()
    assert [x["id"] for x in page["statements"]] == [mine["id"]]
    assert page["more"] == ""
    everything = lrs.get().json()["statements"]  # an unscoped client reads all three
    assert {mine["id"], theirs["id"], newer["id"]} <= {x["id"] for x in everything}
    refused(doc(mine_lms, "DELETE", "/activities/state", STATE), "state")


def test_a_state_client_keeps_state_and_nothing_else(scoped: Callable[..., Lrs]) -> None:
    lms = scoped(credentials.STATE)
    assert doc(lms, "PUT", "/activities/state", STATE).status_code == 204
    assert doc(lms, "GET", "/activities/state", STATE).json() == {"page": 1}
    assert doc(lms, "DELETE", "/activities/state", STATE).status_code == 204
    refused(lms.post(statement()), "statements/write")
    refused(lms.get(), "statements/read")
    refused(doc(lms, "GET", "/activities/profile", PROFILE), "profile")
    assert lms.request("GET", "/activities", params={"activityId": ACTIVITY}).status_code == 200


def test_all_read_reads_everything_and_writes_nothing(scoped: Callable[..., Lrs], lrs: Lrs) -> None:
    s = statement()
    lrs.post(s)
    reader = scoped(credentials.ALL_READ)
    assert reader.get({"statementId": s["id"]}).status_code == 200
    assert doc(reader, "GET", "/activities/profile", PROFILE).status_code == 404
    refused(reader.post(statement()), "statements/write")
    refused(doc(reader, "POST", "/activities/state", STATE), "state")


def test_refusals_are_recorded_for_the_admin_page(scoped: Callable[..., Lrs], session: Session) -> None:
    lms = scoped(credentials.STATE)
    refused(lms.get(), "statements/read")
    session.expire_all()
    reasons = session.scalars(select(XapiRejection.reason).where(XapiRejection.status_code == 403)).all()
    assert any("limited to state" in r for r in reasons)


def test_unknown_scopes_are_refused_when_issuing(session: Session) -> None:
    with pytest.raises(BadRequest, match="Unknown scope: statements/delete"):
        credentials.create_client(session, "LMS", ["statements/delete"])
    assert credentials.create_client(session, "LMS", []).scopes == {credentials.ALL}


def test_the_cli_issues_scoped_credentials_and_revokes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        made = runner.invoke(cli, ["credentials", "create", "--name", "LMS", "--scope", "statements/write",
                                   "--scope", "statements/read/mine"])  # fmt: skip
        assert made.exit_code == 0, made.output
        lines = dict(line.split(": ", 1) for line in made.stdout.splitlines() if ": " in line)
        assert lines["scopes"] == "statements/read/mine statements/write"
        listed = runner.invoke(cli, ["credentials", "list"])
        assert "[statements/read/mine statements/write]" in listed.stdout
        bad = runner.invoke(cli, ["credentials", "create", "--name", "LMS", "--scope", "everything"])
        assert bad.exit_code == 1 and "Unknown scope: everything" in bad.output
        revoked = runner.invoke(cli, ["credentials", "revoke", lines["key"]])
        assert revoked.exit_code == 0 and "Revoked" in revoked.stdout
        assert "revoked" in runner.invoke(cli, ["credentials", "list"]).stdout
    finally:
        get_settings.cache_clear()
