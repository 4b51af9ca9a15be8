"""The audit log for administrators: a filtered page and GET /api/v1/audit. There is nothing to edit."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pathways.admin import audit_log
from pathways.admin.schemas import AuditEntryOut, AuditPageOut
from pathways.auth.dependencies import AdminUser
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.routing import OptionalId
from pathways.web import render

router = APIRouter()
Text = Annotated[str | None, Query(max_length=64)]
Day = Annotated[dt.date | None, Query(description="A date, e.g. 2026-11-23")]
Limit = Annotated[int, Query(ge=1, le=audit_log.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _query(
    action: str | None,
    entity: str | None,
    entity_id: int | None,
    actor: str | None,
    since: dt.date | None,
    until: dt.date | None,
    limit: int,
    offset: int,
) -> audit_log.AuditQuery:
    return audit_log.AuditQuery(
        action or None, entity or None, entity_id, actor or None, since, until, limit, offset
    )


@router.get("/admin/audit", include_in_schema=False)
def audit_page(
    request: Request,
    session: DbSession,
    user: AdminUser,
    action: Text = None,
    entity: Text = None,
    entity_id: OptionalId = None,
    actor: Annotated[str | None, Query(max_length=254)] = None,
    since: Day = None,
    until: Day = None,
    offset: Offset = 0,
) -> HTMLResponse:
    query = _query(action, entity, entity_id, actor, since, until, 50, offset)
    context: dict[str, Any] = {
        "query": query,
        "actions": audit_log.actions(session),
        "entities": audit_log.entities(session),
        "error": None,
        "rows": [],
        "total": 0,
    }
    status = 200
    try:
        context["total"], context["rows"] = audit_log.browse(session, query)
    except AppError as exc:
        context["error"], status = exc.message, exc.status_code
    return render(request, "admin/audit.html", context, status_code=status)


@router.get("/api/v1/audit", response_model=AuditPageOut, tags=["admin"])
def audit_api(
    session: DbSession,
    user: AdminUser,
    action: Text = None,
    entity: Text = None,
    entity_id: OptionalId = None,
    actor: Annotated[str | None, Query(max_length=254)] = None,
    since: Day = None,
    until: Day = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditPageOut:
    """The audit log, newest first (admins). action: exact, or a prefix ending in '.' (e.g. 'rating.')."""
    query = _query(action, entity, entity_id, actor, since, until, limit, offset)
    total, rows = audit_log.browse(session, query)
    return AuditPageOut(
        total=total,
        limit=limit,
        offset=offset,
        entries=[
            AuditEntryOut(
                id=r.entry.id,
                at=r.entry.at,
                actor_user_id=r.entry.actor_user_id,
                actor=r.actor,
                action=r.entry.action,
                entity=r.entry.entity,
                entity_id=r.entry.entity_id,
                before=r.entry.before,
                after=r.entry.after,
            )
            for r in rows
        ],
    )
