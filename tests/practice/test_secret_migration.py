"""Migration 0011 on a database at 0010, on SQLite and PostgreSQL: every set gets its own fresh secret and
loses its public seed, attempts are kept, and what the old rules granted is withdrawn with an audit entry."""

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command

from pathways import migrate
from tests.conftest import BACKENDS
from tests.postgres import Cluster

SETS = sa.table(
    "practice_sets",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("case_types", sa.JSON),
    sa.column("cases_per_type", sa.Integer),
    sa.column("seed", sa.Integer),
    sa.column("level", sa.Integer),
)
MEMBERS = sa.table(
    "practice_set_members",
    sa.column("set_id", sa.Integer),
    sa.column("employee_id", sa.Integer),
    sa.column("passed_on", sa.Date),
)
ATTEMPTS = sa.table(
    "practice_attempts",
    sa.column("id", sa.Integer),
    sa.column("employee_id", sa.Integer),
    sa.column("set_id", sa.Integer),
    sa.column("case_type", sa.String),
    sa.column("case_seed", sa.Integer),
    sa.column("case_index", sa.Integer),
    sa.column("snapshot", sa.JSON),
    sa.column("status", sa.String),
    sa.column("started_at", sa.DateTime),
    sa.column("critical_count", sa.Integer),
    sa.column("major_count", sa.Integer),
    sa.column("minor_count", sa.Integer),
)
EVIDENCE = sa.table(
    "evidence_records",
    sa.column("id", sa.Integer),
    sa.column("employee_id", sa.Integer),
    sa.column("competency_id", sa.Integer),
    sa.column("level", sa.Integer),
    sa.column("source", sa.String),
    sa.column("detail", sa.String),
    sa.column("recorded_on", sa.Date),
)
PASSED = dt.date(2026, 11, 20)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        yield cluster.create_database("practice_secret_migration")
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('migration') / 'old.db'}"


def old_rows(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SET session_replication_role = replica"))  # rows without their org around
        conn.execute(
            SETS.insert(),
            [
                {
                    "id": 1,
                    "name": "Week 1",
                    "case_types": ["privacy"],
                    "cases_per_type": 2,
                    "seed": 7,
                    "level": 2,
                },
                {
                    "id": 2,
                    "name": "Week 2",
                    "case_types": ["abn"],
                    "cases_per_type": 1,
                    "seed": 7,
                    "level": 3,
                },
            ],
        )
        conn.execute(
            MEMBERS.insert(),
            [
                {"set_id": 1, "employee_id": 10, "passed_on": PASSED},
                {"set_id": 2, "employee_id": 10, "passed_on": None},
            ],
        )
        conn.execute(
            ATTEMPTS.insert(),
            [
                {
                    "id": n,
                    "employee_id": 10,
                    "set_id": 1,
                    "case_type": "privacy",
                    "case_seed": 123_456_789,
                    "case_index": n - 1,
                    "snapshot": {"type": "privacy"},
                    "status": "finished",
                    "started_at": dt.datetime(2026, 11, 20, 9, 0),
                    "critical_count": 0,
                    "major_count": 0,
                    "minor_count": 0,
                }
                for n in (1, 2)
            ],
        )
        conn.execute(
            EVIDENCE.insert(),
            [
                {"id": 1, "employee_id": 10, "competency_id": 3, "level": 2, "source": "practice",
                 "detail": "Practice set #1 'Week 1' passed (2 cases)", "recorded_on": PASSED},
                {"id": 2, "employee_id": 10, "competency_id": 3, "level": 1, "source": "import",
                 "detail": "an earlier system", "recorded_on": PASSED},
            ],
        )  # fmt: skip


def test_upgrade_gives_each_set_a_secret_and_withdraws_what_the_old_rules_granted(url: str) -> None:
    migrate.upgrade(url, "0010")
    engine = sa.create_engine(url)
    try:
        old_rows(engine)
        migrate.upgrade(url)
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("practice_sets")}
            secrets = conn.execute(sa.text("SELECT secret FROM practice_sets ORDER BY id")).scalars().all()
            attempts = conn.execute(
                sa.text("SELECT id, case_seed, attempt_number FROM practice_attempts ORDER BY id")
            ).all()
            evidence = conn.execute(sa.text("SELECT id, source FROM evidence_records ORDER BY id")).all()
            passes = conn.execute(sa.text("SELECT passed_on FROM practice_set_members")).scalars().all()
            audit = conn.execute(
                sa.text("SELECT action, entity_id, actor_user_id FROM audit_log ORDER BY id")
            ).all()
            rules = conn.execute(sa.text("SELECT count(*) FROM practice_evidence_rules")).scalar()
        assert "seed" not in columns and "secret" in columns
        assert len(set(secrets)) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", s) for s in secrets)
        # Kept as history, numbered None: drawn from the public seed, they count toward no set pass.
        assert [tuple(a) for a in attempts] == [(1, 123_456_789, None), (2, 123_456_789, None)]
        assert [tuple(e) for e in evidence] == [(2, "import")]  # only practice evidence is withdrawn
        assert passes == [None, None]
        assert [tuple(a) for a in audit] == [
            ("practice-evidence.withdraw", 1, None),
            ("practice-set.pass-withdraw", 1, None),
        ]
        assert rules == 0  # filled by `pathways content load`

        command.downgrade(migrate.alembic_config(url), "0010")
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("practice_sets")}
            kept = conn.execute(sa.text("SELECT count(*) FROM practice_attempts")).scalar()
        assert "seed" in columns and "secret" not in columns and kept == 2
    finally:
        engine.dispose()
