import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base, UtcDateTime


class BadgeKey(Base):
    """The organisation's signing keys. The newest unretired one signs; every one stays, by its kid, so that
    badges signed before a rotation still verify (its public half stays in the published JWKS)."""

    __tablename__ = "badge_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    # PKCS#8 PEM, encrypted with a key derived from PATHWAYS_SECRET_KEY: a copy of the database alone signs
    # nothing.
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    retired_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Badge(Base):
    """One Open Badges 3.0 credential issued to one person for one achievement (a course, a competency level,
    a role). Its id also places it in the revocation status list (see credentials.status_position)."""

    __tablename__ = "badges"
    __table_args__ = (UniqueConstraint("employee_id", "achievement_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    achievement_key: Mapped[str] = mapped_column(String(200))  # course:CODE | level:CODE:N | role:CODE
    kind: Mapped[str] = mapped_column(String(16))  # course | level | role
    name: Mapped[str] = mapped_column(String(300))
    kid: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    credential_jwt: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
