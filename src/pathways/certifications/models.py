import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db import Base, UtcDateTime
from pathways.org.models import Employee

PENDING, VERIFIED, REJECTED = "pending", "verified", "rejected"


class CertificationKind(Base):
    """A kind of certification (content/certifications.yaml): roles name it, people hold it."""

    __tablename__ = "certification_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text)
    issuing_bodies: Mapped[list[str]] = mapped_column(JSON)
    renewal_months: Mapped[int] = mapped_column(Integer)
    renewal_source: Mapped[str] = mapped_column(Text)
    # [{where, note, source}]: settings where the law requires it, each with its source.
    required_by_law: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)


class Certification(Base):
    """One certificate a person says they hold, with its file; their supervisor or an admin verifies it."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("certification_kinds.id"), index=True)
    issuing_body: Mapped[str] = mapped_column(String(160))
    number: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)  # None: does not expire
    status: Mapped[str] = mapped_column(String(16), default=PENDING)  # pending | verified | rejected
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected; the person sees it
    # The expired (or lapsing) record this one renews: kept for the history, no longer reminded.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certifications.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(200))
    file_type: Mapped[str] = mapped_column(String(40))  # from the content, never from the name
    file_size: Mapped[int] = mapped_column(Integer)
    # Deferred: lists and readiness never load the certificate itself.
    file_data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    kind: Mapped[CertificationKind] = relationship(lazy="raise")
    employee: Mapped[Employee] = relationship(lazy="raise")


class CertificationReminder(Base):
    """An expiry reminder already sent (60 or 14 days ahead), so each goes once."""

    __tablename__ = "certification_reminders"
    __table_args__ = (UniqueConstraint("certification_id", "days_ahead"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", ondelete="CASCADE"))
    days_ahead: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
