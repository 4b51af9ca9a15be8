"""Two servers sending the day's reminders at the same moment on one database: each reminder, inbox message
and email goes out once, and neither round fails."""

import datetime as dt
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pathways.db import Database
from pathways.inbox.models import Notification
from pathways.learning.reminders import DUE_SOON, EXPIRING, OVERDUE, ReminderCounts, remind_once
from pathways.mail.models import OutboxMessage
from tests.conftest import BACKENDS, build_database
from tests.postgres import Cluster

KINDS = [DUE_SOON, EXPIRING, OVERDUE]


@pytest.fixture(params=BACKENDS)
def demo_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"remind_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'remind.db'}"
    database = build_database(url)
    yield database
    database.engine.dispose()


def test_two_servers_send_each_reminder_once(demo_database: Database) -> None:
    servers = [Database(demo_database.url) for _ in range(2)]
    ready = threading.Barrier(2)
    results: list[ReminderCounts | None] = []
    errors: list[BaseException] = []

    def run(database: Database) -> None:
        ready.wait()
        try:
            results.append(remind_once(database, dt.date.today()))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    for server in servers:
        server.engine.dispose()
    assert errors == []
    sent = [r for r in results if r is not None and r.messages]
    assert len(sent) == 1, f"exactly one round sends: {results}"
    with demo_database.session() as session:
        notes = session.execute(
            select(Notification.user_id, Notification.kind, Notification.link).where(
                Notification.kind.in_(KINDS)
            )
        ).all()
        emails = session.execute(
            select(OutboxMessage.user_id, OutboxMessage.kind, OutboxMessage.payload).where(
                OutboxMessage.kind.in_(KINDS)
            )
        ).all()
    assert len(notes) == sent[0].messages > 0
    assert max(Counter(notes).values()) == 1, "nobody got the same reminder twice"
    assert len(emails) == len(notes)
    assert max(Counter((u, k, p["link"]) for u, k, p in emails).values()) == 1
    # And a later round finds nothing left to send.
    again = remind_once(demo_database, dt.date.today())
    assert again is not None and again.messages == 0
