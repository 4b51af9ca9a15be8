"""`pathways completions import FILE [--dry-run]` and `pathways completions remind`, on each backend."""

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pathways.config import get_settings
from pathways.db import Database
from pathways.learning.cli import cli
from pathways.learning.models import Completion
from tests.conftest import BACKENDS, build_database
from tests.postgres import Cluster

runner = CliRunner()
DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"completions_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    build_database(url).engine.dispose()
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def completions(url: str) -> int:
    database = Database(url)
    with database.session() as session:
        found = session.scalar(select(func.count()).select_from(Completion)) or 0
    database.engine.dispose()
    return found


def test_import_dry_run_then_apply_then_again(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "lms.csv"
    rows = [f"psr_alice@pathways.example,COMM-1{n}0,{DAY},{70 + n}" for n in range(1, 4)]
    file.write_text(
        "employee,course,completed_at,score\n" + "\n".join(rows) + "\nE99999,COMM-110,2026-01-01,\n"
    )
    before = completions(database_url)

    dry = runner.invoke(cli, ["import", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "4 rows: 3 to record, 0 already known, 1 rejected (dry run: nothing changed)." in dry.stdout
    assert "row 5: no employee with email or number 'E99999'" in dry.stdout
    assert completions(database_url) == before

    rejects = tmp_path / "rejects.csv"
    applied = runner.invoke(cli, ["import", str(file), "--rejects", str(rejects)])
    assert applied.exit_code == 0 and "3 recorded, 0 already known, 1 rejected" in applied.stdout
    assert rejects.read_text().splitlines() == ["row,reason", "5,no employee with email or number 'E99999'"]
    assert completions(database_url) == before + 3

    again = runner.invoke(cli, ["import", str(file)])
    assert "0 recorded, 3 already known" in again.stdout
    assert completions(database_url) == before + 3


def test_import_bad_file_fails_cleanly(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_bytes(
        b"employee,course,completed_at,score\npsr_alice@pathways.example,COMM-110,"
        + DAY.encode()
        + b",\nJos\xe9,COMM-110,2026-01-01,\n"
    )
    before = completions(database_url)
    result = runner.invoke(cli, ["import", str(file)])
    assert result.exit_code == 1
    assert "Error: The file is not UTF-8 text" in result.stderr and "Nothing was imported." in result.stderr
    assert completions(database_url) == before
    missing = runner.invoke(cli, ["import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2


def test_remind_is_idempotent(database_url: str) -> None:
    first = runner.invoke(cli, ["remind"])
    assert first.exit_code == 0, first.output
    assert "overdue reminders" in first.stdout and not first.stdout.startswith(
        "0 due-soon, 0 expiring and 0 overdue"
    )
    second = runner.invoke(cli, ["remind"])
    assert second.stdout.strip() == "0 due-soon, 0 expiring and 0 overdue reminders, in 0 inbox messages."
    bad = runner.invoke(cli, ["remind", "--on", "yesterday"])
    assert bad.exit_code == 2
