import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from pathways.errors import ServiceBusy

# Stable constraint names, so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in time, always handed back with its UTC offset.

    PostgreSQL keeps the offset; SQLite keeps text without one, and gave back naive datetimes that the API
    then published without a zone (not a valid RFC 3339 date-time). Stored as UTC everywhere, returned aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


SQLITE_BEGIN = "pathways_sqlite_begin"
# How long a request waits for a lock another writer holds before it answers 503 (settings.lock_timeout_s).
REQUEST_LOCK_WAIT_S = 5.0
# Long jobs (the command-line import, the reminder sender) wait longer: they let requests in between their
# own batches, and a request's transaction is short.
JOB_LOCK_WAIT_S = 120.0

# SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), whatever the extended code. PostgreSQL: lock_not_available
# (lock_timeout ran out), serialization_failure and deadlock_detected: each means "retry", not "broken".
_SQLITE_BUSY_CODES = (5, 6)
_POSTGRES_RETRY_STATES = ("55P03", "40001", "40P01")


def is_lock_conflict(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in _SQLITE_BUSY_CODES
    return getattr(error, "sqlstate", None) in _POSTGRES_RETRY_STATES


def _translate_lock_conflicts(engine: Engine) -> None:
    # One place turns "could not get the lock in time" into ServiceBusy: a request answers 503 with
    # Retry-After (app.py), the command line says to run again, instead of a 500 or a traceback.
    @event.listens_for(engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        if not context.is_disconnect and is_lock_conflict(context.original_exception):
            raise ServiceBusy() from context.original_exception


def _configure_sqlite(engine: Engine, lock_wait_s: float) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_wait_s * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A write that begins as a read fails at once with "database is locked" when another connection
        # wrote in between; beginning IMMEDIATE takes the write lock up front and waits for it instead.
        immediate = connection.get_execution_options().get(SQLITE_BEGIN) == "immediate"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# A pooled connection unused this long is pinged before it is handed out (see _ping_when_idle).
PING_AFTER_IDLE_S = 2.0


def _ping_when_idle(engine: Engine) -> None:
    """pool_pre_ping, for connections that sat idle: a restarted server or a dropped connection is noticed
    before a request uses it, without a round trip on every checkout (an LRS batch paid one in nine for it).
    A connection back in the pool moments ago was working then; if the server went away since, the failing
    statement makes SQLAlchemy discard every connection older than it, as it does without any ping."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # new (just connected), or used moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool then replaces the connection and tries the checkout again.
            raise DisconnectionError(str(exc)) from exc


def make_engine(url: str, lock_wait_s: float = REQUEST_LOCK_WAIT_S) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine, lock_wait_s)
    else:
        # lock_timeout bounds the wait for a row or table lock (another transaction writing the same rows);
        # a statement that only runs long is not cut off.
        options = f"-c lock_timeout={int(lock_wait_s * 1000)}"
        engine = create_engine(url, pool_size=10, max_overflow=20, connect_args={"options": options})
        _ping_when_idle(engine)
    _translate_lock_conflicts(engine)
    return engine


def begin_reading(session: Session) -> None:
    """End the session's transaction and begin one that only reads (on SQLite: without the write lock).

    For long work inside a request that writes: checking a large upload must not keep every other writer
    waiting. Only for code that owns the transaction (a route or a job), never a service.
    """
    session.commit()
    session.connection(execution_options={SQLITE_BEGIN: "deferred"})


class Database:
    def __init__(self, url: str, lock_wait_s: float = REQUEST_LOCK_WAIT_S) -> None:
        self.url = url
        self.engine = make_engine(url, lock_wait_s)
        # The same pool; on SQLite each transaction begins IMMEDIATE (see on_begin), when it first runs SQL.
        self.writer_engine = self.engine.execution_options(**{SQLITE_BEGIN: "immediate"})
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessionmaker()

    def writer_session(self) -> Session:
        """A session whose every transaction takes the write lock first, also after a commit: for writers
        that commit more than once (an import, batch by batch)."""
        return self.sessionmaker(bind=self.writer_engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        # One unit of work for the CLI: commits when the block ends cleanly, rolls back otherwise.
        with self.sessionmaker() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
