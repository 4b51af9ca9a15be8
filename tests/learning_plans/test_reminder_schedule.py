"""`pathways serve` sends reminders itself (remind_daily), so inboxes fill without a cron job."""

import datetime as dt
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from pathways.auth.models import User
from pathways.inbox.models import Notification
from pathways.learning.models import LearningReminder
from pathways.learning.reminders import notify_due, remind_daily
from tests.conftest import build_database


def test_the_server_side_sender_fills_inboxes_once_and_stops_when_told(tmp_path: Path) -> None:
    database = build_database(f"sqlite:///{tmp_path / 'reminders.db'}")
    stop = threading.Event()
    sender = threading.Thread(target=remind_daily, args=(database, stop, 3600.0), daemon=True)
    sender.start()
    deadline = time.monotonic() + 60
    with database.session() as session:
        while not session.scalar(select(func.count()).select_from(LearningReminder)):
            assert time.monotonic() < deadline, "no reminder was sent within a minute"
            time.sleep(0.2)
            session.rollback()
    stop.set()
    sender.join(timeout=10)
    assert not sender.is_alive(), "the sender must end when the server stops"
    with database.transaction() as session:
        alice = session.scalars(select(User).where(User.email == "psr_alice@pathways.example")).one()
        kinds = set(session.scalars(select(Notification.kind).where(Notification.user_id == alice.id)))
        assert kinds & {"overdue", "due-soon"}, "the demo's overdue and due courses reach Alice's inbox"
        # A second round, as the next day's would be on the same data, sends nothing twice.

        assert notify_due(session, dt.date.today()).messages == 0
    database.engine.dispose()
