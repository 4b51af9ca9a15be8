"""Request-scoped dependencies shared by every domain's routes."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pathways.db import Database

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    # scope="function" (below) ends the transaction before the response is sent, so a failed commit becomes
    # an error response instead of a success the client was already told about.
    database: Database = request.app.state.database
    yield from database.request_session(writes=request.method not in SAFE_METHODS)


def page_session(
    request: Request, session: Annotated[Session, Depends(get_session, scope="function")]
) -> Session:
    # Pages read the proficiency scale through the request's own session (web.render, issue 15).
    request.state.db_session = session
    return session


DbSession = Annotated[Session, Depends(page_session, scope="function")]
