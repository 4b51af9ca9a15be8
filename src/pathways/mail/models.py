import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base, UtcDateTime


class MailState(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender (claim_token says which)
    SENT = "sent"  # the SMTP server accepted it, or it was written to the mail folder
    FAILED = "failed"  # refused for good (a 5xx from the server): last_error says why
    HELD = "held"  # waits for the person's daily digest
    DIGESTED = "digested"  # went out inside a digest (digest_id)
    SKIPPED = "skipped"  # held for a digest, then read in the app or preferences turned to none


class EmailPreference(StrEnum):
    EACH = "each"
    DIGEST = "digest"
    NONE = "none"


class OutboxMessage(Base):
    """One email to send. The body is rendered by the sender from `payload`, so a password-reset link (which
    is never stored, only its hash) is made at sending time from the secret key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(160), default="")
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Fixed when queued, so every attempt carries the same Message-ID and a receiver can drop a repeat.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=MailState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
