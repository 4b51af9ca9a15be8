"""The release fixtures upgraded on PostgreSQL as well: each earlier release's data is loaded into a
PostgreSQL database at that release's schema revision, migrated to head, and checked row for row.

The fixtures are SQLite files (what a release's `make run` made); their rows are carried over table by table,
with the few values SQLite keeps in another form (0/1 for booleans, JSON as text) turned back into values.
"""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from pathways import migrate
from pathways.app import create_app
from pathways.config import Settings
from tests.helpers import sign_in
from tests.postgres import Cluster
from tests.reliability.test_upgrade import FIXTURES, KEPT_TABLES


def _revision(fixture: Path) -> str:
    with sqlite3.connect(fixture) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def _value(column: sa.Column[Any], value: object) -> object:
    if value is None:
        return None
    if isinstance(column.type, sa.Boolean):
        return bool(value)
    if isinstance(column.type, sa.JSON) and isinstance(value, str):
        return json.loads(value)
    return value


def _carry_over(fixture: Path, engine: sa.Engine) -> None:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    with sqlite3.connect(fixture) as source, engine.begin() as target:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            cursor = source.execute(f'SELECT * FROM "{table.name}"')
            names = [d[0] for d in cursor.description]
            rows = [
                {n: _value(table.c[n], v) for n, v in zip(names, row, strict=True)}
                for row in cursor.fetchall()
            ]
            if rows:
                target.execute(table.insert(), rows)
            if "id" in table.c and rows:
                # Rows came with their ids: the sequence must start after them, as it would have.
                sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                target.execute(sa.text(f'SELECT setval({sequence}, (SELECT max(id) FROM "{table.name}"))'))


def _rows(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(sa.text(f'SELECT * FROM "{t}" ORDER BY 1'))]
            for t in KEPT_TABLES
        }


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_upgrade_keeps_every_row_on_postgresql(postgres_cluster: Cluster, fixture: Path) -> None:
    url = postgres_cluster.create_database(f"upgrade_{_revision(fixture)}")
    migrate.upgrade(url, _revision(fixture))
    engine = sa.create_engine(url)
    try:
        _carry_over(fixture, engine)
        before = _rows(engine)
        assert before["employees"] and before["completions"], "the fixture carried over no data"
        migrate.upgrade(url)
        after = _rows(engine)
    finally:
        engine.dispose()
    for table in KEPT_TABLES:
        old_width = len(before[table][0]) if before[table] else 0
        assert [row[:old_width] for row in after[table]] == before[table], table

    client = TestClient(create_app(Settings(database_url=url, secret_key="upgrade-test")))
    sign_in(client, "psr_alice")
    home = client.get("/")
    assert home.status_code == 200 and "Alice Moreno" in home.text
    assert client.get("/plans?role=psr-2").status_code == 200
    client.app.state.database.engine.dispose()  # type: ignore[attr-defined]
