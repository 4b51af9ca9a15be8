"""When a statement is `stored`, and X-Experience-API-Consistent-Through: what every reader can already see.

The header promises that every statement stored at or before its time is in the answer. That holds when the
value is taken from what the database is doing, not from a fixed margin:

- SQLite: one writer at a time. A statement's `stored` is taken once its request holds the write lock, and the
  lock is released by the commit that makes it readable. A reader takes the lock for a moment (waiting for the
  writer in flight, if any) and notes the time: every writer before it has committed, and every later writer
  takes the lock after it, so stores a later time.
- PostgreSQL: writers run side by side. A statement's `stored` is the database clock read inside its
  transaction, so it is never earlier than that transaction's start. A reader asks pg_stat_activity for the
  oldest transaction still open: every statement stored before that start has been committed, and the
  reader's query, which runs next, sees it. The same database clock is used for both, so the web servers'
  clocks do not matter. (pg_stat_activity shows the start of every session of the LRS's own database role.)

The value of a read is also kept per database: it stays true for good (a statement readable once stays
readable), so an answer that could not ask (a 401, say) repeats the latest one instead of guessing.
"""

import datetime as dt
import threading

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from pathways.xapi.formats import EPOCH, format_timestamp, timestamp_to_ms
from pathways.xapi.models import XapiStatement

_OLDEST_OPEN_TRANSACTION = text(
    """
    SELECT least(clock_timestamp(), min(xact_start)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
    """
)
_latest: dict[str, dt.datetime] = {}
_latest_lock = threading.Lock()


def take_write_lock(session: Session) -> None:
    # The first statement of its transaction, so it waits for the lock (busy_timeout) instead of failing.
    session.execute(text("DELETE FROM xapi_rejections WHERE 0"))


def stored_now(session: Session) -> dt.datetime:
    """The `stored` time of a write; on SQLite, call it once the request holds the write lock."""
    if session.get_bind().dialect.name == "postgresql":
        moment = session.scalar(select(func.clock_timestamp()))
        assert isinstance(moment, dt.datetime)
        return moment.astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC)


def _through_sqlite(session: Session) -> dt.datetime:
    session.commit()  # end the credentials read: the lock must be the first statement of a transaction
    try:
        take_write_lock(session)
        moment = dt.datetime.now(dt.UTC)
    except OperationalError:
        # The writer in flight held the lock past busy_timeout. It stored later than anything committed, so
        # the newest committed statement is still a true answer.
        session.rollback()
        newest = session.scalar(select(func.max(XapiStatement.stored_ms)))
        moment = EPOCH + dt.timedelta(milliseconds=newest or 0)
    session.commit()  # nothing was written: releasing the lock costs no disk write
    return moment


def _through_postgresql(session: Session) -> dt.datetime:
    # pg_stat_activity is read once per transaction and then cached; a fresh look is the point here.
    session.execute(text("SELECT pg_stat_clear_snapshot()"))
    moment = session.scalar(_OLDEST_OPEN_TRANSACTION)
    assert isinstance(moment, dt.datetime)
    return moment.astimezone(dt.UTC)


def consistent_through(session: Session) -> str:
    """Take it before the query that reads the statements, which must start a new snapshot."""
    if session.get_bind().dialect.name == "postgresql":
        moment = _through_postgresql(session)
    else:
        moment = _through_sqlite(session)
    # A statement stored in the same millisecond may still be in flight: promise only the one before.
    moment = EPOCH + dt.timedelta(milliseconds=timestamp_to_ms(moment) - 1)
    key = str(session.get_bind().engine.url)
    with _latest_lock:
        if moment > _latest.get(key, EPOCH):
            _latest[key] = moment
    return format_timestamp(moment)


def latest_known(session: Session) -> str:
    """The last value a read of this database found (the epoch before any): true whatever happened since."""
    with _latest_lock:
        return format_timestamp(_latest.get(str(session.get_bind().engine.url), EPOCH))
