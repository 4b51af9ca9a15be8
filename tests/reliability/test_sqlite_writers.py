"""Concurrent writers on SQLite wait for each other instead of failing with "database is locked"."""

import threading
from pathlib import Path

from sqlalchemy import func, select, text

from pathways.db import Database
from pathways.inbox.models import Notification
from tests.conftest import build_database


def test_writes_that_read_first_do_not_fail_under_concurrency(tmp_path: Path) -> None:
    database = build_database(f"sqlite:///{tmp_path / 'writers.db'}")
    failures: list[BaseException] = []

    def writer() -> None:
        for _ in range(25):
            try:
                # What a writing request does (pathways.deps.get_session): read something, then write.
                # Deferred BEGIN lets two of these collide.
                with database.writer_session() as session, session.begin():
                    user_id = session.execute(text("SELECT id FROM users ORDER BY id LIMIT 1")).scalar_one()
                    session.add(Notification(user_id=user_id, kind="test", message="hello", link=""))
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with database.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "test"))
            == 100
        )
    database.engine.dispose()


def test_read_requests_still_begin_deferred(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'readers.db'}")
    with database.session() as session, session.begin():
        assert session.execute(text("SELECT 1")).scalar_one() == 1
    database.engine.dispose()
