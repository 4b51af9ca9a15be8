"""Slows password guessing: after MAX_FAILURES failed sign-ins for one account from one address within
WINDOW, that pair must wait until the window has passed. A success clears the count."""

import datetime as dt

from sqlalchemy.orm import Session

from pathways.auth.models import SignInThrottle
from pathways.errors import TooManyRequests

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)


def _key(email: str, address: str) -> str:
    return f"{email.strip().lower()}|{address}"[:300]


def check(session: Session, email: str, address: str, now: dt.datetime | None = None) -> None:
    now = now or dt.datetime.now(dt.UTC)
    row = session.get(SignInThrottle, _key(email, address))
    if row is None or row.failures < MAX_FAILURES:
        return
    wait = row.window_started + WINDOW - now
    if wait > dt.timedelta(0):
        minutes = max(1, round(wait.total_seconds() / 60))
        raise TooManyRequests(
            f"Too many failed sign-ins. Try again in {minutes} minute{'s' * (minutes != 1)}."
        )


def record_failure(session: Session, email: str, address: str, now: dt.datetime | None = None) -> None:
    now = now or dt.datetime.now(dt.UTC)
    key = _key(email, address)
    row = session.get(SignInThrottle, key)
    if row is None:
        session.add(SignInThrottle(key=key, failures=1, window_started=now))
    elif row.window_started + WINDOW < now:
        row.failures, row.window_started = 1, now
    else:
        row.failures += 1
    session.flush()


def clear(session: Session, email: str, address: str) -> None:
    row = session.get(SignInThrottle, _key(email, address))
    if row is not None:
        session.delete(row)
        session.flush()
