import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, event, func
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from pathways.db import Base, UtcDateTime
from pathways.errors import Forbidden


class AuditEntry(Base):
    """Who changed what, when, from what to what. Written by services; never edited or deleted by the app."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now(), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)  # e.g. rating.create, tracker.approve
    entity: Mapped[str] = mapped_column(String(64))  # table or domain object name
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


AUDIT_IS_APPEND_ONLY = "The audit log cannot be changed or deleted."


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_entries(session: Session, _context: object, _instances: object) -> None:
    # The application may only add entries: an edited or deleted entry would make the log worthless.
    for entry in session.deleted:
        if isinstance(entry, AuditEntry):
            raise Forbidden(AUDIT_IS_APPEND_ONLY)
    for entry in session.dirty:
        if isinstance(entry, AuditEntry) and session.is_modified(entry):
            raise Forbidden(AUDIT_IS_APPEND_ONLY)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        getattr(m, "class_", None) is AuditEntry for m in state.all_mappers
    ):
        raise Forbidden(AUDIT_IS_APPEND_ONLY)
