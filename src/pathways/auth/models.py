import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db import Base, UtcDateTime
from pathways.org.models import Employee


class AccountRole(StrEnum):
    """What an account may do; not to be confused with a job role in the lattice."""

    EMPLOYEE = "employee"
    SITE_LEAD = "site_lead"
    SUPERVISOR = "supervisor"
    TRAINER = "trainer"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    account_role: Mapped[str] = mapped_column(String(16))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # The session cookie is signed, not stored: it names the epoch it was issued in, and signing out moves the
    # epoch on, so every copy of the cookie (another browser, a stolen one) stops working at once.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # Which inbox messages also go by email: "each" as they happen, "digest" once a day, or "none".
    email_notifications: Mapped[str] = mapped_column(String(8), default="each", server_default="each")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    employee: Mapped[Employee | None] = relationship(lazy="raise")


class ApiToken(Base):
    """A personal API token; only its SHA-256 is stored, so a database leak reveals no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship(lazy="raise")


class SignInThrottle(Base):
    """Failed sign-ins per account, per address and per known device (auth/throttle.py), in the database so
    every worker and machine agrees."""

    __tablename__ = "sign_in_throttle"

    # "account:EMAIL", "address:IP" or "device:ID:USER"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class PasswordResetToken(Base):
    """A password-reset link: single use, expiring. Only the SHA-256 of its token is stored; the sender makes
    the token again from `salt` and the secret key when it writes the email (pathways.auth.reset)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
