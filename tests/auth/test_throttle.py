"""The sign-in throttle's rules, at chosen moments: growing waits per account, a budget per address, and
known devices judged by their own failures."""

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from pathways.auth import throttle
from pathways.errors import TooManyRequests

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
Device = tuple[str, int] | None


def fail(
    session: Session, email: str, address: str = "10.0.0.1", at: dt.datetime = NOW, device: Device = None
) -> None:
    throttle.begin(session, email=email, address=address, device=device, now=at)


def refused(
    session: Session, email: str, address: str = "10.0.0.1", at: dt.datetime = NOW, device: Device = None
) -> str:
    with pytest.raises(TooManyRequests) as caught:
        throttle.begin(session, email=email, address=address, device=device, now=at)
    return caught.value.message


def test_the_wait_grows_with_each_failure_past_five() -> None:
    waits = [throttle.growing_wait(n, NOW, NOW) for n in range(4, 14)]
    assert waits == [dt.timedelta(0), MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE, 32 * MINUTE,
                     60 * MINUTE, 60 * MINUTE, 60 * MINUTE]  # fmt: skip
    assert throttle.growing_wait(7, NOW, NOW + 3 * MINUTE) == MINUTE
    assert throttle.growing_wait(12, NOW, NOW + dt.timedelta(hours=25)) == dt.timedelta(0)  # forgotten


def test_an_account_waits_longer_after_each_failure_and_from_every_address(session: Session) -> None:
    for _ in range(throttle.FREE_FAILURES):
        fail(session, "x@pathways.example")
    # The sixth attempt, from anywhere and whatever the password, waits a minute.
    assert "Try again in 1 minute." in refused(
        session, "X@pathways.example", "10.9.9.9", NOW + 30 * dt.timedelta(seconds=1)
    )
    fail(session, "x@pathways.example", at=NOW + MINUTE)
    assert "Try again in 2 minutes." in refused(session, "x@pathways.example", at=NOW + MINUTE)
    fail(session, "x@pathways.example", at=NOW + 3 * MINUTE)
    assert "Try again in 4 minutes." in refused(session, "x@pathways.example", at=NOW + 3 * MINUTE)
    # Another account is not slowed by this one's failures.
    fail(session, "y@pathways.example")


def test_a_refusal_carries_retry_after(session: Session) -> None:
    for _ in range(throttle.FREE_FAILURES):
        fail(session, "v@pathways.example", at=NOW - dt.timedelta(seconds=70))
    fail(session, "v@pathways.example", at=NOW - dt.timedelta(seconds=10))  # the minute had passed
    with pytest.raises(TooManyRequests) as caught:
        throttle.begin(session, email="v@pathways.example", address="10.0.0.1", device=None, now=NOW)
    assert caught.value.status_code == 429 and caught.value.headers == {"Retry-After": "110"}
    assert "If the failed sign-ins were not yours, tell your administrator." in caught.value.message


def test_spraying_one_password_over_many_accounts_runs_out_of_budget(session: Session) -> None:
    for n in range(throttle.ADDRESS_BUDGET):
        fail(session, f"person{n}@pathways.example", "10.6.6.6")
    message = refused(session, "someone.else@pathways.example", "10.6.6.6")
    assert "Too many failed sign-ins from this network. Try again in 2 minutes." in message
    fail(session, "someone.else@pathways.example", "10.7.7.7")  # another address has its own budget
    # One failure of the budget comes back every two minutes.
    fail(session, "person99@pathways.example", "10.6.6.6", at=NOW + throttle.ADDRESS_REFILL)
    refused(session, "person98@pathways.example", "10.6.6.6", at=NOW + throttle.ADDRESS_REFILL)


def test_a_known_device_is_judged_by_its_own_failures_only(session: Session) -> None:
    # Anyone can lock the account and spend the address's budget...
    for n in range(throttle.ADDRESS_BUDGET):
        fail(session, "u@pathways.example" if n < throttle.FREE_FAILURES else f"other{n}@pathways.example",
             "10.6.6.6")  # fmt: skip
    refused(session, "u@pathways.example", "10.6.6.6")
    refused(session, "u@pathways.example", "10.1.1.1")
    # ...but the person's own computer still gets to try, from that very address.
    attempt = throttle.begin(
        session, email="u@pathways.example", address="10.6.6.6", device=("dev1", 7), now=NOW
    )
    assert attempt.device == "device:dev1:7" and attempt.account is None and attempt.address is None
    throttle.succeeded(session, attempt)
    # The device's own failures slow it down like an account's.
    for _ in range(throttle.FREE_FAILURES):
        fail(session, "u@pathways.example", "10.6.6.6", device=("dev1", 7))
    assert "on this computer" in refused(session, "u@pathways.example", "10.6.6.6", device=("dev1", 7))
    fail(session, "u@pathways.example", "10.6.6.6", device=("dev2", 7))  # a second known device is not


def test_each_attempt_counts_before_the_password_is_checked(session: Session) -> None:
    # Parallel guesses: every begin() counts, whether or not its password has been checked yet.
    attempts = [throttle.begin(session, email="t@pathways.example", address="10.0.0.1", device=None, now=NOW)
                for _ in range(throttle.FREE_FAILURES)]  # fmt: skip
    refused(session, "t@pathways.example")
    # A success takes its own attempt back and starts the account's count again.
    throttle.succeeded(session, attempts[-1])
    fail(session, "t@pathways.example")
