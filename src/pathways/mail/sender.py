"""The sender: claims due outbox rows through the database, sends them, and marks each sent or failed.

Claiming is one UPDATE of the due rows' state to "sending" with a fresh claim token, committed before any
mail goes out: on PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so two servers claiming at
once take different rows; on SQLite the claim runs under BEGIN IMMEDIATE, the single writer. Only the holder
of the token may then mark a row sent, failed or due again. A sender that dies mid-batch leaves rows in
"sending"; after CLAIM_LEASE (well beyond the SMTP timeouts of a batch, which gives up its claims at half
the lease) another sender takes them over.

What no design can close: a crash between the server's acceptance of a message and the commit that marks
it sent. The message then goes again, with the same Message-ID, which lets the receiving side drop it.
"""

import datetime as dt
import logging
import secrets
import threading
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from pathways.config import Settings
from pathways.db import SQLITE_BEGIN, Database
from pathways.mail import compose, digest
from pathways.mail.models import MailState, OutboxMessage
from pathways.mail.transport import (
    FolderTransport,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    parse_smtp_url,
)

log = logging.getLogger(__name__)

CLAIM_BATCH = 50
CLAIM_LEASE = dt.timedelta(minutes=10)
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)
    next_attempt_at: dt.datetime | None = None

    def summary(self) -> str:
        parts = [f"{self.sent} sent", f"{self.failed} refused", f"{self.retrying} to retry"]
        if self.digests:
            parts.append(f"{self.digests} digests made")
        text = ", ".join(parts) + "."
        if self.errors:
            text += " " + self.errors[-1]
        if self.retrying and self.next_attempt_at:
            text += f" Next attempt from {self.next_attempt_at:%Y-%m-%d %H:%M} UTC."
        return text


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes, at most an hour: a server down for a day is tried hourly, and nothing is
    dropped for being old."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(parse_smtp_url(settings.smtp_url))
    return FolderTransport(settings.mail_dir)


def _write(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN: "immediate"})


def claim(database: Database, token: str, now: dt.datetime, limit: int = CLAIM_BATCH) -> list[int]:
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.state == MailState.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.state == MailState.SENDING) & (OutboxMessage.claimed_at < now - CLAIM_LEASE),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite leaves it out and BEGIN IMMEDIATE serialises
    )
    with database.transaction() as session:
        _write(session)
        ids = list(session.scalars(due))
        if ids:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(
                    state=MailState.SENDING,
                    claim_token=token,
                    claimed_at=now,
                    attempts=OutboxMessage.attempts + 1,
                )
            )
    return ids


def _finish(database: Database, message_id: int, token: str, **values: object) -> bool:
    with database.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .values(claim_token=None, **values)
        )
        done = bool(getattr(result, "rowcount", 0))
    if not done:
        log.warning("Outbox message %s was taken over by another sender before it was marked.", message_id)
    return done


def _retry_later(
    database: Database, row: OutboxMessage, token: str, reason: str, now: dt.datetime, report: SendReport
) -> None:
    at = now + backoff(row.attempts)
    _finish(database, row.id, token, state=MailState.PENDING, next_attempt_at=at, last_error=reason[:2000])
    report.retrying += 1
    report.next_attempt_at = min(report.next_attempt_at or at, at)


def _send_claimed(
    database: Database,
    settings: Settings,
    transport: Transport,
    ids: list[int],
    token: str,
    now: dt.datetime,
    report: SendReport,
    clock: "Clock",
) -> bool:
    """Send one claimed batch; False when the server is unreachable (the rest of the batch waits)."""
    with database.session() as session:
        rows = list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id))
        )
        built = []
        for row in rows:
            try:
                built.append((row, compose.build(session, row, settings)))
            except compose.Obsolete as exc:
                _finish(database, row.id, token, state=MailState.SKIPPED, last_error=str(exc))
                report.skipped += 1
        session.expunge_all()
    for position, (row, email) in enumerate(built):
        if clock() - now > CLAIM_LEASE / 2:
            # Too slow to keep the claim safely: hand the rest back before another sender may take them.
            for later, _ in built[position:]:
                _finish(database, later.id, token, state=MailState.PENDING, next_attempt_at=now)
            return False
        try:
            transport.deliver(email)
        except PermanentFailure as exc:
            _finish(database, row.id, token, state=MailState.FAILED, last_error=str(exc)[:2000])
            report.failed += 1
            log.warning("Outbox message %s to %s refused: %s", row.id, row.to_address, exc)
        except TemporaryFailure as exc:
            report.errors.append(str(exc))
            unreachable = transport_is_down(transport)
            for later, _ in built[position:] if unreachable else [(row, email)]:
                _retry_later(database, later, token, str(exc), now, report)
            if unreachable:
                return False
        else:
            _finish(database, row.id, token, state=MailState.SENT, sent_at=clock(), last_error="")
            report.sent += 1
    return True


def transport_is_down(transport: Transport) -> bool:
    # After a failure the SMTP transport has dropped its connection when the server itself is the problem.
    return isinstance(transport, SmtpTransport) and transport.connection is None


class Clock:
    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def send_due(
    database: Database,
    settings: Settings,
    transport: Transport | None = None,
    now: dt.datetime | None = None,
    clock: Clock | None = None,
) -> SendReport:
    """Make the digests that are due, then send every due message, batch by batch, until none is left or
    the server cannot be reached."""
    clock = clock or Clock()
    now = now or clock()
    report = SendReport()
    with database.transaction() as session:
        _write(session)
        report.digests = digest.compose_due(session, now, settings.mail_digest_hour_utc)
    transport = transport or transport_for(settings)
    try:
        while True:
            token = secrets.token_hex(16)
            ids = claim(database, token, now)
            if not ids:
                break
            if not _send_claimed(database, settings, transport, ids, token, now, report, clock):
                break
    finally:
        transport.close()
    return report


def send_forever(database: Database, settings: Settings, stop: threading.Event) -> None:
    """Beside the server, like the reminders: send what is due every PATHWAYS_MAIL_EVERY_S seconds."""
    while not stop.is_set():
        try:
            report = send_due(database, settings)
            if report.sent or report.failed or report.retrying or report.digests:
                log.info("Mail: %s", report.summary())
        except Exception:
            log.exception("Sending mail failed; trying again in the next round.")
        stop.wait(settings.mail_every_s)
