"""Queueing email: in the caller's transaction, beside the event it tells of, so both happen or neither."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.config import get_settings
from pathways.mail.models import EmailPreference, MailState, OutboxMessage

# The inbox messages that also go by email: reminders, assignments, completion claims and their answers,
# conversation requests and records, and plan approvals. The rest (comments, stories, practice sets...)
# stay in the app.
EMAILED_KINDS = frozenset(
    {
        "due-soon",
        "expiring",
        "overdue",
        "assignment",
        "confirmation",
        "tracker.conversation",
        "tracker.approval",
    }
)
SUBJECT_MAX = 120


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str
    preference: str
    is_active: bool


RECIPIENT_COLUMNS = (User.id, User.email, User.name, User.email_notifications, User.is_active)


def recipient(session: Session, user_id: int) -> Recipient | None:
    row = session.execute(select(*RECIPIENT_COLUMNS).where(User.id == user_id)).one_or_none()
    return Recipient(*row) if row is not None else None


def subject_for(message: str) -> str:
    # The first sentence says what happened; a long listing (reminders) is cut short.
    first = message.split(". ")[0].strip().rstrip(".")
    return first if len(first) <= SUBJECT_MAX else first[: SUBJECT_MAX - 1].rstrip() + "…"


def new_message_id() -> str:
    domain = urlsplit(get_settings().base_url).hostname or "pathways.invalid"
    return f"<pathways.{uuid.uuid4().hex}@{domain}>"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _outbox_row(
    to: Recipient,
    kind: str,
    subject: str,
    payload: dict[str, Any],
    state: MailState,
    notification_id: int | None,
    at: dt.datetime,
) -> dict[str, Any]:
    return {
        "user_id": to.user_id,
        "notification_id": notification_id,
        "to_address": to.email,
        "to_name": to.name,
        "kind": kind,
        "subject": subject,
        "payload": payload,
        "message_id": new_message_id(),
        "state": state.value,
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
        "last_error": "",
    }


def queue(
    session: Session,
    *,
    to: Recipient,
    kind: str,
    subject: str,
    payload: dict[str, Any],
    state: MailState = MailState.PENDING,
    notification_id: int | None = None,
) -> OutboxMessage:
    message = OutboxMessage(**_outbox_row(to, kind, subject, payload, state, notification_id, now()))
    session.add(message)
    session.flush()
    return message


def _wanted(to: Recipient, kind: str) -> MailState | None:
    """How the person wants this kind of message emailed: now, held for their daily digest, or not at all."""
    if kind not in EMAILED_KINDS or not to.is_active or to.preference == EmailPreference.NONE:
        return None
    return MailState.HELD if to.preference == EmailPreference.DIGEST else MailState.PENDING


def queue_notification(
    session: Session, to: Recipient, notification_id: int, kind: str, message: str, link: str
) -> OutboxMessage | None:
    """The email for an inbox message, as the person prefers: now, held for their daily digest, or none."""
    state = _wanted(to, kind)
    if state is None:
        return None
    payload = {"message": message, "link": link}
    return queue(
        session, to=to, kind=kind, subject=subject_for(message), payload=payload, state=state,
        notification_id=notification_id,
    )  # fmt: skip


def queue_notifications(session: Session, notes: list[tuple[Recipient, int, str, str, str]]) -> None:
    """queue_notification for many inbox messages (recipient, notification id, kind, message, link) in one
    executemany."""
    at = now()
    rows = [
        _outbox_row(to, kind, subject_for(message), {"message": message, "link": link}, state, note_id, at)
        for to, note_id, kind, message, link in notes
        if (state := _wanted(to, kind)) is not None
    ]
    if rows:
        session.execute(insert(OutboxMessage), rows)


def set_preference(session: Session, user: User, preference: str) -> None:
    user.email_notifications = EmailPreference(preference).value
    session.flush()
