import datetime as dt

import pytest
from sqlalchemy.orm import Session

from pathways.auth import throttle
from pathways.errors import TooManyRequests

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def test_the_window_passes(session: Session) -> None:
    for _ in range(throttle.MAX_FAILURES):
        throttle.record_failure(session, "x@pathways.example", "10.0.0.1", NOW)
    with pytest.raises(TooManyRequests):
        throttle.check(session, "X@pathways.example", "10.0.0.1", NOW + dt.timedelta(minutes=14))
    throttle.check(session, "x@pathways.example", "10.0.0.2", NOW)  # another address
    throttle.check(session, "x@pathways.example", "10.0.0.1", NOW + dt.timedelta(minutes=16))


def test_a_success_clears_the_count(session: Session) -> None:
    for _ in range(throttle.MAX_FAILURES):
        throttle.record_failure(session, "y@pathways.example", "10.0.0.1", NOW)
    throttle.clear(session, "y@pathways.example", "10.0.0.1")
    throttle.check(session, "y@pathways.example", "10.0.0.1", NOW)
