"""Due-soon, expiring and overdue reminders: sent daily by `pathways serve` (remind_daily), or by
`pathways completions remind` from cron where the web tier runs elsewhere.

Idempotent: a reminder is sent once per person, course, kind and due date (learning_reminders remembers it),
so running twice a day, or again after a failure, sends nothing new. Each person gets one message per kind
listing their courses; on overdue courses their manager gets one message listing their reports'.
"Expiring" is the due-soon warning for a completed course whose completion is about to expire
(recertification): its due date is the expiry date, so the retake due afterwards earns its own reminders.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pathways import leases
from pathways.auth.models import User
from pathways.certifications import reminders as certification_reminders
from pathways.db import Database, begin_reading
from pathways.inbox import service as inbox
from pathways.learning import requirements as rules
from pathways.learning.models import Course, LearningReminder
from pathways.mail import service as mail
from pathways.mail.service import Recipient
from pathways.org.models import Employee

log = logging.getLogger(__name__)

DUE_SOON, EXPIRING, OVERDUE = "due-soon", "expiring", "overdue"
DAY_S = 24 * 3600
RETRY_S = 15 * 60
LISTED = 20  # lines in a manager's message; the team compliance view has the rest
BATCH = 5000  # reminders a transaction writes, when the sender commits as it goes (remind_once)


@dataclass
class ReminderCounts:
    due_soon: int = 0
    overdue: int = 0
    messages: int = 0
    expiring: int = 0
    certifications: int = 0  # certification expiry reminders (certifications.reminders)

    def summary(self) -> str:
        certifications = (
            f" {self.certifications} certification expiry reminders." if self.certifications else ""
        )
        return (
            f"{self.due_soon} due-soon, {self.expiring} expiring and {self.overdue} overdue reminders, "
            f"in {self.messages} inbox messages.{certifications}"
        )


def _listing(items: list[tuple[str, dt.date]]) -> str:
    ordered = sorted(items, key=lambda item: item[1])
    more = f"; and {len(ordered) - LISTED} more" if len(ordered) > LISTED else ""
    return "; ".join(f"{code} (due {due:%-d %b %Y})" for code, due in ordered[:LISTED]) + more


def notify_due(
    session: Session,
    today: dt.date,
    *,
    checkpoint: Callable[[], None] | None = None,
    batch_size: int = BATCH,
) -> ReminderCounts:
    """Send what is due. With `checkpoint` (a commit: send_due), the reading ends before the first write, and
    each batch of about `batch_size` reminders is written in a transaction of its own; without it, the
    caller's one transaction holds everything."""
    counts = ReminderCounts()
    candidates = []
    for row in rules.required_with_status(session, select(Employee.id), today):
        if row.overdue(today):
            candidates.append((row, OVERDUE))
        elif row.expires_soon(today):
            candidates.append((row, EXPIRING))
        elif row.due_soon(today):
            candidates.append((row, DUE_SOON))
    if not candidates:
        return counts
    earliest = min(row.due_on for row, _ in candidates)
    sent = set(
        session.execute(
            select(
                LearningReminder.employee_id,
                LearningReminder.course_id,
                LearningReminder.kind,
                LearningReminder.due_on,
            ).where(LearningReminder.due_on >= earliest)
        )
    )
    fresh = [(r, kind) for r, kind in candidates if (r.employee_id, r.course_id, kind, r.due_on) not in sent]
    if not fresh:
        return counts
    codes = dict(session.execute(select(Course.id, Course.code)).all())
    # Everyone, not an IN list of the people concerned: that list can outgrow SQLite's parameter limit.
    people = {
        e_id: (name, manager)
        for e_id, name, manager in session.execute(select(Employee.id, Employee.name, Employee.manager_id))
    }
    # With what the email needs, so the outbox costs no query per person.
    accounts = {
        employee_id: Recipient(user_id, email, name, preference, active)
        for employee_id, user_id, email, name, preference, active in session.execute(
            select(User.employee_id, *mail.RECIPIENT_COLUMNS).where(User.employee_id.is_not(None))
        )
    }
    # A manager's overdue message lists their reports': a manager's reports go out in one batch, with it.
    teams: dict[tuple[str, int], list[tuple[rules.Required, str]]] = {}
    for row, kind in fresh:
        manager_id = people[row.employee_id][1]
        team = ("manager", manager_id) if manager_id is not None else ("employee", row.employee_id)
        teams.setdefault(team, []).append((row, kind))
    if checkpoint is not None:
        checkpoint()  # the reading ends here; the writes take the lock batch by batch
    batch: list[tuple[rules.Required, str]] = []
    for team_rows in teams.values():
        batch.extend(team_rows)
        if len(batch) >= batch_size:
            _send(session, batch, counts, codes, people, accounts)
            batch = []
            if checkpoint is not None:
                checkpoint()
    _send(session, batch, counts, codes, people, accounts)
    return counts


def _send(
    session: Session,
    fresh: list[tuple[rules.Required, str]],
    counts: ReminderCounts,
    codes: dict[int, str],
    people: dict[int, tuple[str, int | None]],
    accounts: dict[int | None, Recipient],
) -> None:
    """Record one batch of reminders as sent, and the inbox messages that carry them."""
    if not fresh:
        return
    mine: dict[tuple[int, str], list[tuple[str, dt.date]]] = {}
    reports: dict[int, list[tuple[dt.date, str, str]]] = {}
    for row, kind in fresh:
        mine.setdefault((row.employee_id, kind), []).append((codes[row.course_id], row.due_on))
        if kind == OVERDUE:
            counts.overdue += 1
            name, manager_id = people[row.employee_id]
            if manager_id is not None:
                reports.setdefault(manager_id, []).append((row.due_on, name, codes[row.course_id]))
        elif kind == EXPIRING:
            counts.expiring += 1
        else:
            counts.due_soon += 1
    # Core inserts, many rows a statement: the first run on a large organisation sends hundreds of thousands.
    session.execute(
        insert(LearningReminder),
        [
            {"employee_id": row.employee_id, "course_id": row.course_id, "kind": kind, "due_on": row.due_on}
            for row, kind in fresh
        ],
    )
    messages: list[inbox.NewNotification] = []
    for (employee_id, kind), items in mine.items():
        to = accounts.get(employee_id)
        if to is None:
            continue  # no account to deliver to; the reminder still counts as sent
        if kind == OVERDUE:
            message = f"Overdue required courses: {_listing(items)}."
        elif kind == EXPIRING:
            within = f"within {rules.DUE_SOON_DAYS} days"
            message = f"Required courses expiring {within}, to take again: {_listing(items)}."
        else:
            message = f"Required courses due within {rules.DUE_SOON_DAYS} days: {_listing(items)}."
        messages.append(inbox.NewNotification(to, kind, message, "/learning"))
    for manager_id, overdue in reports.items():
        manager = accounts.get(manager_id)
        if manager is not None:
            # Oldest first: the longest overdue is what a manager should chase first.
            lines = [f"{name}: {code} (due {due:%-d %b %Y})" for due, name, code in sorted(overdue)]
            more = f"; and {len(lines) - LISTED} more" if len(lines) > LISTED else ""
            message = "Your reports are overdue on: " + "; ".join(lines[:LISTED]) + more + "."
            messages.append(inbox.NewNotification(manager, OVERDUE, message, "/learning/team"))
    inbox.notify_users(session, messages)
    counts.messages += len(messages)


# Longer than any round takes (13 s for 50,000 people): a server that died holding it frees it at this age.
ROUND_LEASE = dt.timedelta(minutes=30)


def remind_once(database: Database, today: dt.date) -> ReminderCounts | None:
    """One round of reminders as a job of its own (the daily sender, `pathways completions remind`); None
    when another server holds the round. It reads without the write lock, then commits batch by batch, so
    that requests keep working while a large organisation's first run sends hundreds of thousands of
    reminders. Stopped part way, the next round sends the rest."""
    with leases.held(database, "reminders", ROUND_LEASE) as mine:
        if not mine:
            return None
        with database.writer_session() as session:
            begin_reading(session)
            counts = notify_due(session, today, checkpoint=session.commit)
            counts.certifications, messages = certification_reminders.notify_due(session, today)
            counts.messages += messages
            session.commit()
        return counts


def remind_daily(database: Database, stop: threading.Event, every_s: float = DAY_S) -> None:
    """Send reminders now and then every `every_s` seconds until `stop` is set.

    Runs beside the server, so inboxes fill without anyone setting up cron. Safe beside a cron job or other
    servers: one round runs at a time (remind_once), and a reminder already sent is never sent again.
    """
    while not stop.is_set():
        wait = every_s
        try:
            counts = remind_once(database, dt.date.today())
            if counts is None:
                log.info("Reminders: another server is sending this round.")
            else:
                log.info("Reminders: %s", counts.summary())
        except Exception:
            # What was sent before the failure is recorded; the rest should not wait a whole day.
            wait = min(every_s, RETRY_S)
            log.exception("Sending reminders failed; trying again in %d minutes.", wait // 60)
        stop.wait(wait)
