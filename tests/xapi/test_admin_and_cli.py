"""The admin page (admins only) and `pathways lrs credentials`."""

from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pathways.config import get_settings
from pathways.migrate import upgrade
from pathways.xapi import credentials
from pathways.xapi.cli import cli
from tests.helpers import sign_in
from tests.xapi.conftest import COMPLETED, Lrs, basic, statement


def test_admin_page_shows_statements_rejections_and_counts(lrs: Lrs, client: TestClient) -> None:
    s = statement(COMPLETED, who="nobody-known")
    lrs.post(s)
    bad = statement()
    bad["actor"] = {"name": "no identifier"}
    lrs.post(bad)
    sign_in(client, "admin_ada")
    page = client.get("/admin/lrs")
    assert page.status_code == 200
    assert "<h1>Learning Record Store</h1>" in page.text
    assert "Test LMS" in page.text
    assert "mailto:nobody-known@lms.example" in page.text
    assert "not matched: no employee with email nobody-known@lms.example" in page.text
    assert "needs exactly one of mbox" in page.text  # the refused statement's reason


@pytest.mark.parametrize("who", ["psr_alice", "sup_carl", "trainer_tina"])
def test_admin_page_is_for_admins_only(client: TestClient, who: str) -> None:
    sign_in(client, who)
    assert client.get("/admin/lrs").status_code == 403


def test_admin_page_needs_sign_in_not_lrs_credentials(client: TestClient, lrs: Lrs) -> None:
    response = client.get("/admin/lrs", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    with_basic = client.get(
        "/admin/lrs", headers={"Authorization": basic(lrs.key, lrs.secret)}, follow_redirects=False
    )
    assert with_basic.status_code == 303


def test_credentials_cli_create_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        created = runner.invoke(cli, ["credentials", "create", "--name", "Company LMS"])
        assert created.exit_code == 0, created.output
        lines = dict(line.split(": ", 1) for line in created.stdout.splitlines() if ": " in line)
        key, secret = lines["key"], lines["secret"]
        assert len(secret) >= 40
        listed = runner.invoke(cli, ["credentials", "list"])
        assert key in listed.stdout and "Company LMS" in listed.stdout and "active" in listed.stdout
        assert secret not in listed.stdout
        revoked = runner.invoke(cli, ["credentials", "revoke", key])
        assert revoked.exit_code == 0 and "Revoked" in revoked.stdout
        assert "revoked" in runner.invoke(cli, ["credentials", "list"]).stdout
        unknown = runner.invoke(cli, ["credentials", "revoke", "nope"])
        assert unknown.exit_code == 1 and "No LRS client" in unknown.stderr
        blank = runner.invoke(cli, ["credentials", "create", "--name", "  "])
        assert blank.exit_code == 1
    finally:
        get_settings.cache_clear()


def test_an_issued_secret_never_begins_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["-looks-like-an-option", "-again", "plain-secret"])
    monkeypatch.setattr(credentials.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert credentials._secret() == "plain-secret"
