"""Expiry reminders for certifications, like a recertified course's: 60 and 14 days ahead, in the inbox and
by email, each once (certification_reminders remembers it). Sent with the learning reminders' daily round.

A record that a newer record of the same kind outlasts (a renewal, verified or waiting) is not reminded, nor
is a rejected one: the person has already done what the reminder would ask.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.certifications.models import REJECTED, Certification, CertificationKind, CertificationReminder
from pathways.inbox import service as inbox
from pathways.mail import service as mail
from pathways.mail.service import Recipient

DAYS_AHEAD = (60, 14)  # widest first: a record first seen 10 days ahead gets only the 14-day one
KIND = "expiring"  # the inbox kind the course expiry reminders use, so it is emailed the same way


def _due(expires_on: dt.date, today: dt.date) -> int | None:
    """The narrowest window `expires_on` falls in, or None outside them all (or already expired)."""
    left = (expires_on - today).days
    if left <= 0:
        return None
    windows = [days for days in DAYS_AHEAD if left <= days]
    return min(windows) if windows else None


def notify_due(session: Session, today: dt.date) -> tuple[int, int]:
    """Send the reminders due today: (reminders, inbox messages). The caller's transaction holds them."""
    horizon = today + dt.timedelta(days=max(DAYS_AHEAD))
    rows = session.execute(
        select(
            Certification.id,
            Certification.employee_id,
            Certification.kind_id,
            Certification.expires_on,
            CertificationKind.name,
        )
        .join(CertificationKind, CertificationKind.id == Certification.kind_id)
        .where(Certification.status != REJECTED, Certification.expires_on.is_not(None))
    ).all()
    dated = [(c, e, k, expires_on, n) for c, e, k, expires_on, n in rows if expires_on is not None]
    # The latest expiry each person has of each kind: an older record it outlasts is not reminded.
    latest: dict[tuple[int, int], dt.date] = {}
    for _id, employee_id, kind_id, expires_on, _name in dated:
        key = (employee_id, kind_id)
        latest[key] = max(latest.get(key, expires_on), expires_on)
    due = [
        (cert_id, employee_id, expires_on, name, days)
        for cert_id, employee_id, kind_id, expires_on, name in dated
        if expires_on <= horizon
        and latest[(employee_id, kind_id)] == expires_on
        and (days := _due(expires_on, today)) is not None
    ]
    if not due:
        return 0, 0
    sent = set(
        session.execute(
            select(CertificationReminder.certification_id, CertificationReminder.days_ahead).where(
                CertificationReminder.certification_id.in_([d[0] for d in due])
            )
        ).all()
    )
    fresh = [d for d in due if (d[0], d[4]) not in sent]
    if not fresh:
        return 0, 0
    accounts = {
        employee_id: Recipient(user_id, email, name, preference, active)
        for employee_id, user_id, email, name, preference, active in session.execute(
            select(User.employee_id, *mail.RECIPIENT_COLUMNS).where(
                User.employee_id.in_({d[1] for d in fresh})
            )
        )
    }
    session.add_all(CertificationReminder(certification_id=d[0], days_ahead=d[4]) for d in fresh)
    notes = [
        inbox.NewNotification(
            accounts[employee_id],
            KIND,
            f"Your {name} certification expires on {expires_on:%-d %b %Y}, within {days} days. "
            "Renew it and add the new certificate to replace it.",
            "/certifications",
        )
        for _id, employee_id, expires_on, name, days in fresh
        if employee_id in accounts
    ]
    inbox.notify_users(session, notes)
    session.flush()
    return len(fresh), len(notes)
