import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.errors import NotFound
from pathways.inbox.models import Notification
from pathways.mail import service as mail
from pathways.mail.service import Recipient


def notify_user(
    session: Session,
    user_id: int,
    kind: str,
    message: str,
    link: str = "",
    recipient: Recipient | None = None,
) -> Notification:
    """The one place every event reaches a person: the inbox, and for the kinds that email, the outbox in
    the same transaction. `recipient` spares a query when the caller has already read the account."""
    note = Notification(user_id=user_id, kind=kind, message=message, link=link)
    session.add(note)
    session.flush()
    if kind in mail.EMAILED_KINDS:
        to = recipient if recipient is not None else mail.recipient(session, user_id)
        if to is not None:
            mail.queue_notification(session, to, note.id, kind, message, link)
    return note


class NewNotification(NamedTuple):
    to: Recipient
    kind: str
    message: str
    link: str = ""


def notify_users(session: Session, notes: Sequence[NewNotification]) -> None:
    """notify_user for many at once, for senders of thousands (the reminders): the inbox messages in one
    executemany and their emails in another, instead of a flush per message."""
    if not notes:
        return
    rows = [{"user_id": n.to.user_id, "kind": n.kind, "message": n.message, "link": n.link} for n in notes]
    ids = session.scalars(insert(Notification).returning(Notification.id, sort_by_parameter_order=True), rows)
    mail.queue_notifications(
        session, [(n.to, note_id, n.kind, n.message, n.link) for n, note_id in zip(notes, ids, strict=True)]
    )


def notify_employee(session: Session, employee_id: int, kind: str, message: str, link: str = "") -> bool:
    """Notify the account of an employee; False when they have no account yet (nothing to deliver to)."""
    row = session.execute(
        select(*mail.RECIPIENT_COLUMNS).where(User.employee_id == employee_id)
    ).one_or_none()
    if row is None:
        return False
    to = Recipient(*row)
    notify_user(session, to.user_id, kind, message, link, recipient=to)
    return True


def inbox(session: Session, user_id: int, limit: int = 100) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    return list(
        session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    )


def unread_count(session: Session, user_id: int) -> int:
    query = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one notification (or all, when no id) as read; only ever the user's own."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        note = session.get(Notification, notification_id)
        if note is None or note.user_id != user_id:
            raise NotFound(f"No notification with id {notification_id}.")
        query = query.where(Notification.id == notification_id)
    result = session.execute(query.values(read_at=dt.datetime.now(dt.UTC)))
    return int(getattr(result, "rowcount", 0) or 0)
