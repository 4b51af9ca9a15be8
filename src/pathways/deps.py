"""Request-scoped dependencies shared by every domain's routes."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pathways.db import Database


def _session(request: Request) -> Iterator[Session]:
    # One transaction per request. scope="function" (below) ends it before the response is sent, so a
    # failed commit becomes an error response instead of a success the client was already told about.
    database: Database = request.app.state.database
    with database.session() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session(request: Request) -> Iterator[Session]:
    yield from _session(request)


DbSession = Annotated[Session, Depends(get_session, scope="function")]
