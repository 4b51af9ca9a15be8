"""Backup and restore round trip: every table comes back exactly as it was."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, inspect, select, text
from typer.testing import CliRunner

from pathways.cli import app
from pathways.config import get_settings
from pathways.db import Database
from pathways.learning.models import Completion
from pathways.models import Base
from tests.conftest import BACKENDS, build_database
from tests.postgres import Cluster

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def own_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    # The restore replaces a whole database, so this test builds one of its own.
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"backup_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    database = build_database(url)
    yield database
    database.engine.dispose()
    get_settings.cache_clear()


def snapshot(database: Database) -> dict[str, list[tuple[object, ...]]]:
    tables = {}
    with database.engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            table = Base.metadata.tables.get(name)
            order = ", ".join(c.name for c in table.primary_key.columns) if table is not None else "1"
            tables[name] = [
                tuple(row) for row in conn.execute(text(f"SELECT * FROM {name} ORDER BY {order}"))
            ]
    return tables


def test_round_trip_restores_every_table(own_database: Database, tmp_path: Path) -> None:
    before = snapshot(own_database)
    assert len(before["completions"]) > 100
    target = tmp_path / "pathways.backup"
    result = runner.invoke(app, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 10_000

    with own_database.transaction() as session:
        session.execute(delete(Completion))
    with own_database.session() as session:
        assert session.scalar(select(Completion.id)) is None

    own_database.engine.dispose()  # drop pooled connections so the restore sees no open transaction
    result = runner.invoke(app, ["restore", str(target)])
    assert result.exit_code == 0, result.output
    assert snapshot(own_database) == before


def test_restore_refuses_a_file_that_is_not_a_backup(own_database: Database, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    before = snapshot(own_database)
    result = runner.invoke(app, ["restore", str(bogus)])
    assert result.exit_code == 1
    assert "Error:" in result.stderr
    missing = runner.invoke(app, ["restore", str(tmp_path / "nowhere.backup")])
    assert missing.exit_code == 1 and "There is no backup file at" in missing.stderr
    assert snapshot(own_database) == before
