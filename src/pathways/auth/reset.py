"""Password reset by an emailed link: single use, expiring after RESET_TTL, asked for at most a few times an
hour per address and per network address, and the same answer whether or not the email has an account.

The link's token is never stored. It is an HMAC of the row's random salt under the secret key; the row keeps
its SHA-256 only. The sender makes the token again when it writes the email, so a copy of the database alone
(without the key) opens no account.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pathways.auth import service
from pathways.auth.models import PasswordResetToken, SignInThrottle, User
from pathways.auth.passwords import hash_password
from pathways.errors import AppError, TooManyRequests
from pathways.mail import service as mail
from pathways.mail.service import Recipient

RESET_TTL = dt.timedelta(minutes=60)
PER_EMAIL = 3
PER_ADDRESS = 20
WINDOW = dt.timedelta(hours=1)
MIN_PASSWORD_LENGTH = 10  # as `pathways user add` asks
SENT = (
    "If an account uses that address, a link to choose a new password is on its way to it. "
    f"The link works once, for {int(RESET_TTL.total_seconds() // 60)} minutes."
)
LINK_EXPIRED = "This reset link has expired. Ask for a new one below; it works for 60 minutes."
LINK_USED = "This reset link has already been used. If you did not use it, ask for a new one below."
LINK_UNKNOWN = (
    "This reset link is not valid: it may have been copied incompletely, or replaced by a newer one."
)


class ResetLinkError(AppError):
    status_code = 400


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def token_for(salt: str, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), f"password-reset:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limit(session: Session, key: str, limit: int, now: dt.datetime) -> bool:
    """Count one more request under `key`; False when the window already holds `limit` of them. Kept in
    the sign-in throttle table: the same database-wide count every worker sees, under its own keys."""
    # For these keys `failures` counts requests and `last_failure_at` holds when the window started.
    row = session.get(SignInThrottle, key)
    if row is None:
        session.add(SignInThrottle(key=key, failures=1, last_failure_at=now))
    elif row.last_failure_at + WINDOW < now:
        row.failures, row.last_failure_at = 1, now
    elif row.failures >= limit:
        return False
    else:
        row.failures += 1
    session.flush()
    return True


def request_reset(
    session: Session, email: str, address: str, secret_key: str, now: dt.datetime | None = None
) -> None:
    """Queue a reset email if the address has an active account; raises only for too many requests, which
    is counted per address typed, so it says nothing about whether an account exists."""
    now = now or _now()
    normalised = service.normalise_email(email)
    if not _limit(session, f"password-reset from {address}"[:300], PER_ADDRESS, now) or not _limit(
        session, f"password-reset email {normalised}"[:300], PER_EMAIL, now
    ):
        raise TooManyRequests(
            "Too many reset links were asked for. Wait an hour, or ask your administrator for help."
        )
    user = service.get_user_by_email(session, normalised)
    if user is None or not user.is_active:
        return
    # A new link replaces the ones before it: only the latest email works.
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now, token_hash=None)
    )
    salt = secrets.token_urlsafe(24)
    row = PasswordResetToken(
        user_id=user.id,
        salt=salt,
        token_hash=token_hash(token_for(salt, secret_key)),
        created_at=now,
        expires_at=now + RESET_TTL,
    )
    session.add(row)
    session.flush()
    to = Recipient(user.id, user.email, user.name, user.email_notifications, user.is_active)
    mail.queue(
        session,
        to=to,
        kind="password-reset",
        subject="Choose a new Pathways password",
        payload={"reset_id": row.id, "minutes": int(RESET_TTL.total_seconds() // 60)},
    )


def check_link(session: Session, token: str, now: dt.datetime | None = None) -> PasswordResetToken:
    now = now or _now()
    row = session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token)))
    if row is None:
        # A used link's hash is kept until a newer link replaces it, so "used" is told apart from "unknown".
        raise ResetLinkError(LINK_UNKNOWN)
    if row.used_at is not None:
        raise ResetLinkError(LINK_USED)
    if row.expires_at <= now:
        raise ResetLinkError(LINK_EXPIRED)
    return row


def check_new_password(password: str, confirm: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AppError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 200:
        raise AppError("Choose a password of at most 200 characters.")
    if password != confirm:
        raise AppError("The two new passwords are not the same. Type the same password twice.")


def reset_password(
    session: Session, token: str, password: str, confirm: str, now: dt.datetime | None = None
) -> User:
    """Use the link: set the password, spend the link and end every session of the account."""
    now = now or _now()
    row = check_link(session, token, now)
    check_new_password(password, confirm)
    # Spend it with a guarded update: two tabs posting the same link at once, only one wins.
    spent = session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    if not getattr(spent, "rowcount", 0):
        raise ResetLinkError(LINK_USED)
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise ResetLinkError(LINK_UNKNOWN)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    session.flush()
    return user
