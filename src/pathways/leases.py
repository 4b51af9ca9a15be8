"""Leases on background jobs: one server runs a job at a time, on SQLite and PostgreSQL alike.

A job that commits as it goes (the reminders, batch by batch) cannot hold a transaction-scoped lock for its
whole run, and SQLite has no advisory locks. A row in `job_leases` is claimed in a short transaction of its
own and released when the job ends; a server that died holding it loses it when it expires.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base, Database, UtcDateTime


class JobLease(Base):
    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


def acquire(database: Database, name: str, ttl: dt.timedelta) -> str | None:
    """The holder's token, or None while another holder's lease has not expired."""
    token = uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC)
    with database.writer_session() as session:
        taken = session.execute(
            update(JobLease)
            .where(JobLease.name == name, JobLease.expires_at < now)
            .values(holder=token, expires_at=now + ttl)
        )
        if getattr(taken, "rowcount", 0) != 1:
            session.add(JobLease(name=name, holder=token, expires_at=now + ttl))
            try:
                session.flush()
            except IntegrityError:  # a live lease: another server runs the job
                session.rollback()
                return None
        session.commit()
    return token


def release(database: Database, name: str, token: str) -> None:
    with database.writer_session() as session:
        session.execute(delete(JobLease).where(JobLease.name == name, JobLease.holder == token))
        session.commit()


@contextmanager
def held(database: Database, name: str, ttl: dt.timedelta) -> Iterator[bool]:
    """`with held(...) as mine:` runs the block either way; `mine` says whether this server holds the job."""
    token = acquire(database, name, ttl)
    try:
        yield token is not None
    finally:
        if token is not None:
            release(database, name, token)
