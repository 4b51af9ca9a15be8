from typing import Any

from sqlalchemy.orm import Session

from pathways.audit.models import AuditEntry


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    # Values must be JSON-ready: callers pass dates as ISO strings and Decimals as str.
    entry = AuditEntry(
        actor_user_id=actor_user_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    session.add(entry)
    session.flush()
    return entry
