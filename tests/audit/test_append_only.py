import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from pathways.audit import service
from pathways.audit.models import AUDIT_IS_APPEND_ONLY, AuditEntry
from pathways.errors import Forbidden


def test_entries_can_be_added_but_never_changed_or_deleted(session: Session) -> None:
    entry = service.record(
        session, actor_user_id=None, action="test.create", entity="test", entity_id=1, after={"x": 1}
    )
    entry.action = "test.tampered"
    with pytest.raises(Forbidden, match=AUDIT_IS_APPEND_ONLY):
        session.flush()
    session.rollback()

    entry = service.record(session, actor_user_id=None, action="test.create", entity="test", entity_id=2)
    session.delete(entry)
    with pytest.raises(Forbidden, match=AUDIT_IS_APPEND_ONLY):
        session.flush()
    session.rollback()

    with pytest.raises(Forbidden):
        session.execute(update(AuditEntry).values(action="x"))
    with pytest.raises(Forbidden):
        session.execute(delete(AuditEntry))
    session.rollback()
    service.record(session, actor_user_id=None, action="test.create", entity="test", entity_id=3)
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == 3)) == 1
