"""Path and query types, and small dependencies, that every domain's routes share: one definition each."""

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query

from pathways.auth.csrf import verify_csrf

# Ids fit the database's integer: a larger number is a 422, never an overflow deep in the driver.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
OptionalId = Annotated[int | None, Query(ge=1, le=2_147_483_647)]
TrackerId = Annotated[int, Path(ge=1, description="Tracker id")]
CSRF = [Depends(verify_csrf)]


def today() -> dt.date:
    """The server's calendar day: the one place a route asks for it, so tests can pin it in one place."""
    return dt.date.today()
