"""The CLI against a database of its own (it commits), on each backend, through PATHWAYS_DATABASE_URL."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pathways.app import create_app
from pathways.cli import app
from pathways.config import Settings, get_settings
from tests.conftest import BACKENDS
from tests.postgres import Cluster

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def cli_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"cli_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_demo_then_token_then_api(cli_url: str) -> None:
    code, out, _ = run("demo")
    assert code == 0, out
    assert "Demo loaded" in out
    code, out, _ = run("demo")
    assert code == 0 and "already loaded" in out

    code, out, err = run("user", "add", "nia@pathways.example", "--name", "Nia Bello", "--role", "trainer",
                         "--password-stdin", stdin="a-long-enough-password\n")  # fmt: skip
    assert code == 0, err
    assert "Added nia@pathways.example as trainer" in err

    code, token, _ = run("token", "create", "nia@pathways.example")
    assert code == 0
    token = token.strip()
    assert token.startswith("pw_") and "\n" not in token

    client = TestClient(create_app(Settings(database_url=cli_url)))
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["account_role"] == "trainer"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer pw_not-a-token"})
    assert bad.status_code == 401
    assert bad.json() == {"detail": "The API token is not valid or has been revoked."}


def test_user_add_refuses_bad_input(cli_url: str) -> None:
    assert run("db", "upgrade")[0] == 0
    code, _, err = run("user", "add", "not-an-email", "--name", "X", "--role", "admin")
    assert code == 1 and "email" in err.lower()
    code, _, err = run("user", "add", "x@pathways.example", "--name", "X", "--role", "wizard")
    assert code == 2 and "wizard" in err
    code, _, err = run("user", "add", "x@pathways.example", "--name", "X", "--role", "admin",
                       "--password-stdin", stdin="short\n")  # fmt: skip
    assert code == 1 and "password" in err.lower()
    assert run("user", "add", "x@pathways.example", "--name", "X", "--role", "admin")[0] == 0
    code, _, err = run("user", "add", "X@pathways.example", "--name", "X", "--role", "admin")
    assert code == 1 and "already exists" in err


def test_token_for_unknown_account(cli_url: str) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out, err = run("token", "create", "ghost@pathways.example")
    assert code == 1
    assert out == ""
    assert "No account for ghost@pathways.example" in err


def test_content_load_reports_problems_and_loads_nothing(cli_url: str, tmp_path: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    bad = tmp_path / "content"
    bad.mkdir()
    (bad / "scale.yaml").write_text("level: 1\n")
    code, _, err = run("content", "load", "--dir", str(bad))
    assert code == 1
    assert "content/scale.yaml:1: expected a list of items at the top level" in err
    assert "content/roles.yaml: the file is missing" in err
    code, out, _ = run("content", "load")
    assert code == 0 and "courses:" in out and "new" in out
    code, out, _ = run("content", "load")
    assert code == 0 and out.strip() == "Content is already up to date; nothing changed."


def test_plan_command(cli_url: str) -> None:
    assert run("demo")[0] == 0
    code, out, err = run("plan", "--employee", "psr_alice@pathways.example", "--role", "psr-2-site-lead")
    assert code == 0, err
    assert "Alice Moreno:" in out and "(proved shortest)" in out
    # The demo's Alice holds no certificate Site Lead requires: no date, and the reason, with what would be.
    assert "Not ready until a verified certificate is on record" in out and "would allow" in out
    code, out, _ = run("plan", "--employee", "psr_alice@pathways.example", "--role", "psr-2", "--json")
    assert code == 0
    import json

    plan = json.loads(out)
    assert plan["roles"] == ["psr-2"] and plan["proved_optimal"] is True
    code, _, err = run("plan", "--employee", "ghost@pathways.example", "--role", "psr-2")
    assert code == 1 and "No employee with email ghost@pathways.example" in err
    # The same rule and message as the API and the plan page (tests/plans/test_optimize.py).
    for hours in ("0.01", "41", "1.234", "lots"):
        code, _, err = run("plan", "--employee", "psr_alice@pathways.example", "--role", "psr-2",
                           "--hours-per-week", hours)  # fmt: skip
        assert code == 2, err
        rule = f"Hours per week must be a number from 0.5 to 40 with at most two decimals, not '{hours}'."
        assert rule in " ".join(err.replace("│", " ").split()), err
    code, out, err = run("plan", "--employee", "psr_alice@pathways.example", "--role", "psr-2",
                         "--hours-per-week", "0.5")  # fmt: skip
    assert code == 0 and "at 0.5 h a week" in out, err
