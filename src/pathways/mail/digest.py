"""Daily digests: the messages held for people who prefer one email a day, gathered into one.

A digest goes out at the first send after PATHWAYS_MAIL_DIGEST_HOUR_UTC and holds what was held before that
hour; what arrives later waits for the next day's. Messages the person has already read in the app are left
out (they were seen), and nothing goes to someone who has since turned email off. One composer at a time:
a transaction-scoped advisory lock on PostgreSQL, the single writer on SQLite; the other servers skip.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.inbox.models import Notification
from pathways.mail import service
from pathways.mail.models import EmailPreference, MailState, OutboxMessage

ADVISORY_LOCK_KEY = 0x7061_7468_6D61_696C  # "pathmail"
LISTED = 50


def cutoff(now: dt.datetime, hour: int) -> dt.datetime:
    today = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if now >= today else today - dt.timedelta(days=1)


def compose_due(session: Session, now: dt.datetime, hour: int) -> int:
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
        select(func.pg_try_advisory_xact_lock(ADVISORY_LOCK_KEY))
    ):
        return 0
    before = cutoff(now, hour)
    rows = session.execute(
        select(OutboxMessage, Notification.read_at)
        .outerjoin(Notification, Notification.id == OutboxMessage.notification_id)
        .where(OutboxMessage.state == MailState.HELD, OutboxMessage.created_at < before)
        .order_by(OutboxMessage.user_id, OutboxMessage.id)
    ).all()
    if not rows:
        return 0
    held: dict[int | None, list[tuple[OutboxMessage, dt.datetime | None]]] = defaultdict(list)
    for message, read_at in rows:
        held[message.user_id].append((message, read_at))
    people = {
        user.id: user
        for user in session.scalars(select(User).where(User.id.in_([k for k in held if k is not None])))
    }
    made = 0
    for user_id, messages in held.items():
        user = people.get(user_id) if user_id is not None else None
        unread = [m for m, read_at in messages if read_at is None]
        wanted = user is not None and user.is_active and user.email_notifications != EmailPreference.NONE
        digest_id = None
        if wanted and unread and user is not None:
            made += 1
            items: list[dict[str, Any]] = [
                {"message": m.payload.get("message", m.subject), "link": m.payload.get("link", "")}
                for m in unread[:LISTED]
            ]
            if len(unread) > LISTED:
                items.append({"message": f"And {len(unread) - LISTED} more in your inbox.", "link": "/inbox"})
            to = service.Recipient(user.id, user.email, user.name, user.email_notifications, user.is_active)
            count = len(unread)
            subject = f"Your Pathways digest: {count} update{'s' * (count != 1)}"
            digest_id = service.queue(
                session, to=to, kind="digest", subject=subject, payload={"items": items}
            ).id
        for message, read_at in messages:
            if digest_id is not None and read_at is None:
                state, note = MailState.DIGESTED, ""
            elif read_at is not None:
                state, note = MailState.SKIPPED, "Read in the app before the digest went out."
            else:
                state, note = MailState.SKIPPED, "Email is turned off for this person."
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id)
                .values(state=state, digest_id=digest_id, last_error=note)
            )
    session.flush()
    return made
