"""Slows password guessing without handing anyone a way to lock someone else out.

Three rules, counted in the database so that every worker and machine agrees:
- An account: five failures are free; after that, each attempt must wait after the last failure 1, 2, 4, 8,
  16, 32 and then 60 minutes. A day without failures starts the count again. (Five failures from one
  address used to lock the account from that address for 15 minutes: a colleague behind the site's NAT
  could lock anyone out, and one password tried on every account was never slowed.)
- An address: a budget of 30 failures across all accounts, one coming back every 2 minutes. Spraying a
  password over many accounts from one place stops after 30, then goes at 30 an hour.
- A known device, a browser in which the account has signed in before (a signed cookie, devices.py), is
  judged by its own failures alone, on the account's schedule: the two rules above, which anyone can set
  off, never refuse the right password there.
Each attempt is counted as a failure before the password is checked, in a short transaction of its own, and
a success takes it back: guesses sent in parallel cannot all pass the check before any is counted.
"""

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pathways.auth.models import SignInThrottle
from pathways.errors import TooManyRequests

FREE_FAILURES = 5
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(minutes=60)
FORGET_AFTER = dt.timedelta(hours=24)
ADDRESS_BUDGET = 30
ADDRESS_REFILL = dt.timedelta(minutes=2)  # one failure of the budget comes back this often
KEY_LENGTH = 300

ACCOUNT_LOCKED = (
    "Too many failed sign-ins for this account. Try again in {wait}. On a computer where you have signed in "
    "before, your password works now. If the failed sign-ins were not yours, tell your administrator."
)
ADDRESS_LOCKED = (
    "Too many failed sign-ins from this network. Try again in {wait}. On a computer where you have signed "
    "in before, your password works now."
)
DEVICE_LOCKED = "Too many failed sign-ins on this computer for this account. Try again in {wait}."


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"[:KEY_LENGTH]


def address_key(address: str) -> str:
    return f"address:{address}"[:KEY_LENGTH]


def device_key(device_id: str, user_id: int) -> str:
    return f"device:{device_id}:{user_id}"[:KEY_LENGTH]


def growing_wait(failures: int, last_failure: dt.datetime, now: dt.datetime) -> dt.timedelta:
    """How long an account (or a known device) must still wait: 0 while failures are free."""
    if failures < FREE_FAILURES or now - last_failure > FORGET_AFTER:
        return dt.timedelta(0)
    delay = min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES), LONGEST_WAIT)
    return max(last_failure + delay - now, dt.timedelta(0))


def budget_level(failures: int, last_failure: dt.datetime, now: dt.datetime) -> int:
    """The failures an address still has against it, once those that have come back are taken off."""
    returned = math.floor(max(now - last_failure, dt.timedelta(0)) / ADDRESS_REFILL)
    return max(failures - returned, 0)


def budget_wait(failures: int, last_failure: dt.datetime, now: dt.datetime) -> dt.timedelta:
    """How long until an address has one failure of its budget left: 0 if it has one now."""
    if budget_level(failures, last_failure, now) < ADDRESS_BUDGET:
        return dt.timedelta(0)
    # One returns every ADDRESS_REFILL after the last failure; the budget opens when the level is one under.
    returns_needed = failures - ADDRESS_BUDGET + 1
    return max(last_failure + ADDRESS_REFILL * returns_needed - now, dt.timedelta(0))


def in_words(wait: dt.timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"{minutes} minute{'s' * (minutes != 1)}"


@dataclass(frozen=True)
class Attempt:
    """The failures counted ahead of checking the password: taken back if it is right."""

    account: str | None
    address: str | None
    device: str | None


def _locked_rows(session: Session, keys: list[str], now: dt.datetime) -> dict[str, SignInThrottle]:
    # Every key has a row, locked until the transaction ends: parallel attempts on one key take turns.
    # (SQLite's transaction already holds the database's write lock.)
    dialect = session.get_bind().dialect.name
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    rows = [{"key": key, "failures": 0, "last_failure_at": now} for key in keys]
    session.execute(insert(SignInThrottle).values(rows).on_conflict_do_nothing(index_elements=["key"]))
    query = select(SignInThrottle).where(SignInThrottle.key.in_(keys)).with_for_update()
    return {row.key: row for row in session.scalars(query.execution_options(populate_existing=True))}


def begin(
    session: Session,
    *,
    email: str,
    address: str,
    device: tuple[str, int] | None,
    now: dt.datetime | None = None,
) -> Attempt:
    """Refuse the attempt if a rule says wait (TooManyRequests, with Retry-After), else count it as a failure.

    `device`: (device id, user id) when the browser is a known device of the account signing in.
    """
    now = now or dt.datetime.now(dt.UTC)
    if device is not None:
        attempt = Attempt(None, None, device_key(*device))
    else:
        attempt = Attempt(account_key(email), address_key(address), None)
    keys = [key for key in (attempt.account, attempt.address, attempt.device) if key is not None]
    rows = _locked_rows(session, keys, now)
    for key in keys:
        row = rows[key]
        if now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
    refusals = []
    if attempt.device is not None:
        wait = growing_wait(rows[attempt.device].failures, rows[attempt.device].last_failure_at, now)
        refusals.append((wait, DEVICE_LOCKED))
    if attempt.account is not None:
        wait = growing_wait(rows[attempt.account].failures, rows[attempt.account].last_failure_at, now)
        refusals.append((wait, ACCOUNT_LOCKED))
    if attempt.address is not None:
        row = rows[attempt.address]
        refusals.append((budget_wait(row.failures, row.last_failure_at, now), ADDRESS_LOCKED))
    wait, message = max(refusals, key=lambda refusal: refusal[0])
    if wait > dt.timedelta(0):
        raise TooManyRequests(message.format(wait=in_words(wait)), math.ceil(wait.total_seconds()))
    for key in keys:
        row = rows[key]
        if key == attempt.address:
            row.failures = budget_level(row.failures, row.last_failure_at, now)
        row.failures += 1
        row.last_failure_at = now
    session.flush()
    return attempt


def succeeded(session: Session, attempt: Attempt) -> None:
    """The password was right: the account's (or device's) count starts again, the address gets its one back.

    An account's count is kept when the right password came from a known device: the failures were someone
    else's, elsewhere, and go on slowing them."""
    keys = [key for key in (attempt.account, attempt.address, attempt.device) if key is not None]
    for row in session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))):
        key = row.key
        if key == attempt.address:
            row.failures = max(row.failures - 1, 0)
        else:
            session.delete(row)
    session.flush()
