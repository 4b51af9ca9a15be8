"""X-Experience-API-Consistent-Through follows what is stored and readable, not the clock minus a margin."""

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from pathways.db import Database
from pathways.xapi import consistency, queries
from pathways.xapi.credentials import ClientIdentity
from pathways.xapi.formats import parse_timestamp
from pathways.xapi.http import take_write_lock
from pathways.xapi.models import XapiClient
from pathways.xapi.statements import Batch, store, validate_batch
from tests.conftest import BACKENDS
from tests.postgres import Cluster
from tests.xapi.conftest import Lrs, statement
from tests.xapi.live_server import prepare_database

HEADER = "X-Experience-API-Consistent-Through"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    # A database of its own: the test needs two connections that see each other's commits.
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        return cluster.create_database(f"xapi_consistency_{uuid.uuid4().hex[:8]}")
    return f"sqlite:///{tmp_path / 'lrs.db'}"


def test_it_covers_a_statement_just_stored(lrs: Lrs) -> None:
    s = statement()
    lrs.post(s)
    stored = parse_timestamp(lrs.get({"statementId": s["id"]}).json()["stored"])
    through = parse_timestamp(lrs.get({"limit": "1"}).headers[HEADER])
    assert stored is not None and through is not None
    assert through >= stored  # a margin of seconds behind the clock would not cover it yet


def test_a_statement_still_being_written_is_never_promised(database_url: str) -> None:
    """A write in flight: its statement has a `stored` time but is not readable yet. PostgreSQL answers with
    a time before it; SQLite's reader waits for the writer's commit, then answers with a time after it."""
    issued = prepare_database(database_url)
    database = Database(database_url)
    try:
        with database.session() as setup:
            client_id = setup.scalar(select(XapiClient.id).where(XapiClient.key == issued.key))
        assert client_id is not None
        identity = ClientIdentity(client_id, issued.name, issued.key)
        s = statement()
        writer = database.session()
        store(
            writer,
            identity,
            Batch(validate_batch(s)),
            "2.0.0",
            before_reading=lambda: take_write_lock(writer),
        )
        writer.flush()
        stored = parse_timestamp(s["stored"])

        def read() -> tuple[str, object]:
            with database.session() as reader:
                through = consistency.consistent_through(reader)
                return through, queries.single(reader, s["id"], voided=False)

        if database.engine.dialect.name == "postgresql":
            through, found = read()  # the writer's transaction is still open
            assert parse_timestamp(through) < stored  # type: ignore[operator]
            assert found is None
            writer.commit()
        else:
            answers: list[tuple[str, object]] = []
            reader = threading.Thread(target=lambda: answers.append(read()))
            reader.start()
            reader.join(timeout=0.5)  # time for the reader to reach the write lock and wait there
            writer.commit()
            reader.join()
            [(through, found)] = answers
            assert parse_timestamp(through) >= stored  # type: ignore[operator]
            assert found is not None
        writer.close()
        through, found = read()
        assert parse_timestamp(through) >= stored  # type: ignore[operator]
        assert found is not None
    finally:
        database.engine.dispose()
