import datetime as dt
from typing import Any

from pydantic import BaseModel


class AuditEntryOut(BaseModel):
    id: int
    at: dt.datetime
    actor_user_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPageOut(BaseModel):
    total: int
    limit: int
    offset: int
    entries: list[AuditEntryOut]
