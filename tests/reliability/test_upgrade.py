"""A database made by an earlier release upgrades to this one and keeps its data.

tests/fixtures/ keeps databases created by earlier releases (file name: date and schema revision). Each is
copied, migrated to head with `alembic upgrade`, and checked row for row against what it held before, then
used by the app as it is.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pathways import migrate
from pathways.app import create_app
from pathways.config import Settings
from tests.helpers import sign_in

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").glob("release-*.sqlite"))
KEPT_TABLES = ["regions", "sites", "employees", "users", "courses", "completions", "roles", "stories"]


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in KEPT_TABLES}


def test_there_is_a_release_fixture() -> None:
    assert FIXTURES, "tests/fixtures must keep at least one database from an earlier release"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_upgrade_keeps_every_row(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    before = rows(copy)
    migrate.upgrade(f"sqlite:///{copy}")
    after = rows(copy)
    for table in KEPT_TABLES:
        # Columns added later come after the old ones; every old value must be unchanged.
        old_width = len(before[table][0]) if before[table] else 0
        assert [row[:old_width] for row in after[table]] == before[table], table

    client = TestClient(create_app(Settings(database_url=f"sqlite:///{copy}", secret_key="upgrade-test")))
    sign_in(client, "psr_alice")
    home = client.get("/")
    assert home.status_code == 200 and "Alice Moreno" in home.text
    assert client.get("/plans?role=psr-2").status_code == 200
