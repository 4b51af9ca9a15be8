"""The Learning Record Store's tables.

A statement is one row: its JSON exactly as stored, plus the few columns queries filter and sort on. The
agents and activities a statement mentions go to xapi_statement_refs, one row per distinct key, so the
`agent`, `activity` and `related_*` filters are index look-ups. Both tables are written with one executemany
per batch (psycopg pipelines it), keyed by the statement id, so a batch costs no per-statement round trip.
"""

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base, UtcDateTime


class XapiClient(Base):
    """A machine client (an LMS) with its own Basic credentials; only the secret's SHA-256 is stored."""

    __tablename__ = "xapi_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Space-separated xAPI scope names (credentials.SCOPES).
    scopes: Mapped[str] = mapped_column(String(200), server_default="all")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class XapiStatement(Base):
    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_stored_ms_id", "stored_ms", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("xapi_clients.id"), index=True)
    verb_id: Mapped[str] = mapped_column(Text, index=True)
    # The statement this one targets through a StatementRef object (voiding, or any other reference).
    object_ref: Mapped[str | None] = mapped_column(String(36), index=True)
    registration: Mapped[str | None] = mapped_column(String(36), index=True)
    # Milliseconds since the epoch, UTC: exactly the precision of the `stored` property it mirrors.
    stored_ms: Mapped[int] = mapped_column(BigInteger)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    document: Mapped[str] = mapped_column(Text)
    # What the completion bridge made of it: None when the verb is not a completion; else a short outcome.
    bridge_note: Mapped[str | None] = mapped_column(String(300))


class XapiStatementRef(Base):
    """An agent (kind 'agent', key = its IFI) or activity (kind 'activity', key = its id) a statement names.

    `core` marks the ones the plain `agent` / `activity` filters look at (actor and object, and the members of
    a Group there); the others only match with related_agents / related_activities.
    """

    __tablename__ = "xapi_statement_refs"
    __table_args__ = (Index("ix_xapi_statement_refs_kind_key", "kind", "key"),)

    statement_id: Mapped[str] = mapped_column(
        ForeignKey("xapi_statements.statement_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    core: Mapped[bool] = mapped_column(Boolean)


class XapiAttachment(Base):
    """Attachment content, stored once per SHA-256 however many statements carry it."""

    __tablename__ = "xapi_attachments"

    sha2: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class XapiDocument(Base):
    """A State, Activity Profile or Agent Profile document.

    `key_hash` is the SHA-256 of (kind, activity, agent, registration, document id), so the unique index stays
    small whatever the length of the IRIs; `scope_hash` is the same without the document id, for listing.
    """

    __tablename__ = "xapi_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    activity_id: Mapped[str | None] = mapped_column(Text)
    agent_key: Mapped[str | None] = mapped_column(Text)
    registration: Mapped[str | None] = mapped_column(String(36))
    document_id: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(40))
    updated_ms: Mapped[int] = mapped_column(BigInteger)


class XapiRejection(Base):
    """A refused request, kept for the admin page (pruned to the most recent few hundred)."""

    __tablename__ = "xapi_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("xapi_clients.id", ondelete="SET NULL"), index=True
    )
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    status_code: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class XapiCompletionRejection(Base):
    """A completed or passed statement that recorded no completion, and why: shown to admins to resolve.

    The statement itself is stored all the same (the LRS answered 200). `actor_key` and `activity_id` say what
    the statement named, so a mapping made while resolving it can be applied to the others that name it too.
    """

    __tablename__ = "xapi_completion_rejections"
    __table_args__ = (Index("ix_xapi_completion_rejections_open", "resolved_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(
        ForeignKey("xapi_statements.statement_id", ondelete="CASCADE"), unique=True
    )
    # learning.completion_rules: unknown_person, unknown_course, future or before_hire.
    reason_code: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300))
    actor_key: Mapped[str] = mapped_column(Text)
    activity_id: Mapped[str] = mapped_column(Text)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[int | None] = mapped_column(Integer)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    # What resolving it did ("recorded", "already recorded by an earlier report", "voided").
    resolution: Mapped[str | None] = mapped_column(String(300))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class XapiMapping(Base):
    """An admin's decision that an xAPI identifier means a Pathways employee or course.

    kind 'person': `key` is an agent's identifier (agents.ifi_key) and employee_id the person; kind 'course':
    `key` is an activity IRI and course_id the course. `key_hash` (SHA-256 of kind and key) keeps the unique
    index small whatever the length of an IRI.
    """

    __tablename__ = "xapi_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key: Mapped[str] = mapped_column(Text)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
