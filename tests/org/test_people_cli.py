"""`pathways people import FILE [--dry-run] [--deactivate-missing]`, on each backend."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pathways.cli import app
from pathways.config import get_settings
from pathways.db import Database
from pathways.org.models import Employee
from tests.conftest import BACKENDS, build_database
from tests.org.people_files import feed, new_row
from tests.postgres import Cluster

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"people_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    build_database(url).engine.dispose()
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def statuses(url: str) -> dict[str, str]:
    database = Database(url)
    with database.session() as session:
        found = dict(session.execute(select(Employee.employee_number, Employee.status)).all())
    database.engine.dispose()
    return found


def test_dry_run_then_apply_then_again_then_a_full_feed(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "hr.csv"
    file.write_bytes(feed(new_row("N1"), new_row("N2", "N1"), new_row("N3", job_role="astronaut")))
    before = statuses(database_url)
    dry = runner.invoke(app, ["people", "import", str(file), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "3 rows: 2 created" in dry.output and "1 rejected" in dry.output and "dry run" in dry.output
    assert "row 4: job_role 'astronaut' is not a job role" in dry.output
    assert statuses(database_url) == before
    applied = runner.invoke(app, ["people", "import", str(file)])
    assert applied.exit_code == 0 and "3 rows: 2 created" in applied.output, applied.output
    assert f"{len(before)} missing from the file (kept: not deactivated)" in applied.output
    again = runner.invoke(app, ["people", "import", str(file)])
    assert "0 created, 0 updated, 0 moved, 0 deactivated, 2 unchanged" in again.output, again.output
    full = runner.invoke(app, ["people", "import", str(file), "--deactivate-missing"])
    assert f"{len(before)} deactivated" in full.output, full.output
    after = statuses(database_url)
    assert {after[number] for number in before} == {"terminated"} and after["N1"] == "active"


def test_a_manager_who_has_left_is_a_warning_after_the_rejections(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "hr.csv"
    file.write_bytes(
        feed(new_row("N1", status="terminated"), new_row("N2", "N1"), new_row("N3", job_role="astronaut"))
    )
    result = runner.invoke(app, ["people", "import", str(file)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    warning = (
        "  row 3 (applied, with a warning): manager_number 'N1' has left (terminated); "
        "this person reports to them until they get a current manager"
    )
    assert warning in lines
    assert lines.index(warning) > next(i for i, line in enumerate(lines) if "row 4: job_role" in line)
    assert "1 rejected" in result.output and "1 with a warning" in result.output
    assert statuses(database_url)["N2"] == "active"


def test_a_bad_file_is_an_error_that_changes_nothing(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "hr.csv"
    file.write_text("employee_number,email\nE1,a@b.example\n")
    before = statuses(database_url)
    result = runner.invoke(app, ["people", "import", str(file)])
    assert result.exit_code == 1 and "missing columns: name, job_role" in result.output
    assert statuses(database_url) == before
