"""Browsing the audit log: filters over who, what and when. Read-only: the log is append-only."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pathways.audit.models import AuditEntry
from pathways.auth.models import User
from pathways.errors import AppError

MAX_LIMIT = 200


class InvalidAuditQuery(AppError):
    status_code = 422


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None  # exact, or a prefix ending in "." ("rating." for every rating)
    entity: str | None = None
    entity_id: int | None = None
    actor: str | None = None  # an account's email
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor: str  # name and email, or what remains when the account is gone


def _filtered(query: AuditQuery) -> Select[AuditEntry, str, str]:
    if query.since and query.until and query.since > query.until:
        raise InvalidAuditQuery("'since' must not be after 'until'.")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidAuditQuery(f"limit must be between 1 and {MAX_LIMIT}.")
    statement = select(AuditEntry, User.name, User.email).outerjoin(User, User.id == AuditEntry.actor_user_id)
    if query.action:
        if query.action.endswith("."):
            statement = statement.where(AuditEntry.action.startswith(query.action, autoescape=True))
        else:
            statement = statement.where(AuditEntry.action == query.action)
    if query.entity:
        statement = statement.where(AuditEntry.entity == query.entity)
    if query.entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == query.entity_id)
    if query.actor:
        statement = statement.where(func.lower(User.email) == query.actor.strip().lower())
    if query.since:
        statement = statement.where(AuditEntry.at >= dt.datetime.combine(query.since, dt.time(), dt.UTC))
    if query.until:
        end = dt.datetime.combine(query.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        statement = statement.where(AuditEntry.at < end)
    return statement


def browse(session: Session, query: AuditQuery) -> tuple[int, list[AuditRow]]:
    statement = _filtered(query)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(
        statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(query.limit).offset(query.offset)
    ).all()
    result = []
    for entry, name, email in rows:
        actor = (
            f"{name} <{email}>" if email else ("a removed account" if entry.actor_user_id else "the system")
        )
        result.append(AuditRow(entry, actor))
    return total, result


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def entities(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
