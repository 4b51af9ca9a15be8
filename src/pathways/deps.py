"""Request-scoped dependencies shared by every domain's routes."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from pathways.db import Database

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _has_work(session: Session) -> bool:
    """A transaction to end, or changes not yet flushed: what committing or rolling back would touch."""
    return session.in_transaction() or bool(session.new or session.dirty or session.deleted)


async def get_session(request: Request) -> AsyncIterator[Session]:
    # One transaction per request. A request that may write takes SQLite's write lock with its first
    # statement; long work ends that transaction early (db.begin_reading, import_jobs), and each later
    # transaction takes the lock again.
    # scope="function" (below) ends the transaction before the response is sent, so a failed commit becomes
    # an error response instead of a success the client was already told about.
    # Async, so that FastAPI does not send its start and its end to the thread pool (two hand-offs between
    # threads a request): opening a session does no I/O, and only a commit or rollback with something to do
    # goes there. A route that ends its transaction itself (the LRS, xapi.http.call) costs no trip at all.
    database: Database = request.app.state.database
    session = database.writer_session() if request.method not in SAFE_METHODS else database.session()
    try:
        yield session
        if _has_work(session):
            await run_in_threadpool(session.commit)
    except BaseException:
        if _has_work(session):
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()


def page_session(
    request: Request, session: Annotated[Session, Depends(get_session, scope="function")]
) -> Session:
    # Pages read the proficiency scale through the request's own session (web.render, issue 15).
    request.state.db_session = session
    return session


DbSession = Annotated[Session, Depends(page_session, scope="function")]
