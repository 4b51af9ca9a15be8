"""A long import commits batch by batch, and an interrupted one is finished by running it again.

On a database of its own per backend (the import commits, so it cannot run inside a test's transaction).
"""

import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from pathways.config import get_settings
from pathways.db import Database
from pathways.errors import ServiceBusy
from pathways.learning import import_jobs
from pathways.learning.cli import cli
from pathways.learning.imports import ImportFileError
from pathways.learning.models import Completion, CompletionImport, Course
from pathways.org.models import Employee
from tests.conftest import BACKENDS, build_database
from tests.learning_plans.import_files import new_completions_csv
from tests.postgres import Cluster

ROWS = 5000
BATCH = 1000
TODAY = dt.date.today()


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"batches_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'batches.db'}"
    database = build_database(url)
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()
    database.engine.dispose()


def completions(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Completion)) or 0


def apply(database: Database, data: bytes, **options: object) -> import_jobs.ImportOutcome:
    digest = hashlib.sha256(data).hexdigest()
    with database.writer_session() as session:
        run = import_jobs.unfinished_run(session, digest) or import_jobs.new_run(
            "cli", "lms.csv", None, digest, 1
        )
        outcome = import_jobs.apply_stream(
            session, io.BytesIO(data), run, today=TODAY, actor_user_id=None, audit_source="test",
            batch_size=BATCH, **{"awards": None, **options},
        )  # fmt: skip
        session.commit()
    return outcome


def test_each_batch_is_committed_on_its_own(database: Database) -> None:
    data = new_completions_csv(database, ROWS)
    before = completions(database)
    seen_by_others: list[int] = []
    # Another connection counts after each batch: the rows are there for everyone as soon as their batch is.
    outcome = apply(database, data, on_progress=lambda _rows: seen_by_others.append(completions(database)))
    assert outcome.report.summary() == f"{ROWS} rows: {ROWS} recorded, 0 already known, 0 rejected"
    assert seen_by_others[: ROWS // BATCH] == [before + n * BATCH for n in range(1, ROWS // BATCH + 1)]
    assert completions(database) == before + ROWS
    assert outcome.run is not None
    with database.session() as session:
        run = session.get(CompletionImport, outcome.run.id)
        assert run is not None and run.applied_at is not None and run.source == "cli"
        assert (run.rows_done, run.recorded, run.content) == (ROWS, ROWS, None)


def test_an_interrupted_import_is_finished_by_running_it_again(database: Database, tmp_path: Path) -> None:
    data = new_completions_csv(database, ROWS)
    before = completions(database)

    def stop_after_two_batches(rows: int) -> None:
        if rows >= 2 * BATCH:
            raise KeyboardInterrupt  # Ctrl-C, or a killed process: the batches committed so far stay

    with pytest.raises(import_jobs.ImportStopped) as stopped:
        apply(database, data, on_progress=stop_after_two_batches)
    assert (stopped.value.rows_done, stopped.value.recorded) == (2 * BATCH, 2 * BATCH)
    assert "stopped after row 2,000" in stopped.value.message
    assert "The 2,000 completions recorded until then were kept" in stopped.value.message
    assert completions(database) == before + 2 * BATCH

    file = tmp_path / "lms.csv"
    file.write_bytes(data)
    again = CliRunner().invoke(cli, ["import", str(file)])
    assert again.exit_code == 0, again.output
    assert "stopped after 2,000 rows with 2,000 completions recorded. Those were kept" in again.stdout
    assert f"{ROWS} rows: {ROWS - 2 * BATCH} recorded, {2 * BATCH} already known, 0 rejected." in again.stdout
    assert completions(database) == before + ROWS
    with database.session() as session:
        runs = list(session.scalars(select(CompletionImport)))
    assert len(runs) == 1 and runs[0].applied_at is not None and runs[0].recorded == ROWS

    once_more = CliRunner().invoke(cli, ["import", str(file)])
    assert "earlier import" not in once_more.stdout
    assert f"{ROWS} rows: 0 recorded, {ROWS} already known, 0 rejected." in once_more.stdout


def test_a_file_problem_late_in_the_file_stops_the_batches_before_any(database: Database) -> None:
    data = new_completions_csv(database, 3 * BATCH) + b"Jos\xe9,COMM-110,2026-01-01,\n"
    before = completions(database)
    with pytest.raises(ImportFileError, match="not UTF-8 text"):
        apply(database, data)
    assert completions(database) == before
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CompletionImport)) == 0


def test_a_dry_run_leaves_others_free_to_write(database: Database) -> None:
    data = new_completions_csv(database, 3 * BATCH)
    first = data.splitlines()[1].decode().split(",")
    impatient = Database(database.url, lock_wait_s=0.3)
    written: list[int] = []

    def someone_else_records_row_2(_rows: int) -> None:
        if written:
            return
        # The dry run holds no write lock (SQLite) and has inserted nothing that would make this insert wait
        # (PostgreSQL): before, it wrote each batch in a savepoint and rolled back at the end.
        with impatient.writer_session() as session:
            employee = session.scalar(select(Employee.id).where(Employee.email == first[0]))
            course = session.scalar(select(Course.id).where(Course.code == first[1]))
            day = dt.date.fromisoformat(first[2])
            values = {"employee_id": employee, "course_id": course, "completed_at": day, "source": "manual"}
            session.execute(insert(Completion).values(**values))
            session.commit()
        written.append(1)

    before = completions(database)
    try:
        with database.writer_session() as session:
            report = import_jobs.dry_run(
                session, io.BytesIO(data), today=TODAY, on_progress=someone_else_records_row_2
            )
    except ServiceBusy:  # what the old dry run did to the other writer
        pytest.fail("the dry run kept another writer waiting")
    finally:
        impatient.engine.dispose()
    assert written == [1]
    assert (
        report.summary()
        == f"{3 * BATCH} rows: {3 * BATCH} to record, 0 already known, 0 rejected (dry run: nothing changed)"
    )
    assert completions(database) == before + 1  # the other writer's row only
