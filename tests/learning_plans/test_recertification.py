"""Recertification: a required course's completion expires after the course's validity period, and then the
course is due again on the expiry date (plan, team compliance, reminders)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.content import export
from pathways.content.schemas import CourseItem
from pathways.inbox.models import Notification
from pathways.learning import plan_service, requirements
from pathways.learning.assignments import Target, assign, waive
from pathways.learning.completions import record_completion
from pathways.learning.compliance import ComplianceRow, team_compliance
from pathways.learning.models import Completion, Course
from pathways.learning.plan_service import PlanEntry
from pathways.learning.reminders import notify_due
from pathways.learning.requirements import add_months
from pathways.org.scope import get_employee
from tests.helpers import sign_in
from tests.learning_plans.conftest import TODAY, course, person, user

# Alice's role (PSR I) requires PRIV-101; each test gives it a validity of a year, inside its transaction.
DONE = dt.date(2024, 2, 29)  # a leap day: a year later is 28 February 2025
EXPIRES = dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 1, 15), 12, dt.date(2026, 1, 15)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),  # a shorter month: its last day
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # a leap year's February
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2025, 3, 31), 1, dt.date(2025, 4, 30)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),  # across the year end
        (dt.date(2023, 11, 30), 24, dt.date(2025, 11, 30)),  # BLS: every two years
        (dt.date(2025, 2, 28), 12, dt.date(2026, 2, 28)),  # not the month's end in a leap sense
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 1, 1)), st.integers(1, 120))
def test_add_months_moves_whole_months_and_never_overshoots(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(days=1)).day == 1)


def alice_priv101(session: Session, months: int | None = 12, done: dt.date | None = DONE) -> Course:
    """PRIV-101 valid for `months`, and Alice's only completion of it on `done`."""
    priv = course(session, "PRIV-101")
    priv.valid_for_months = months
    alice = person(session, "psr_alice")
    session.execute(
        delete(Completion).where(Completion.employee_id == alice.id, Completion.course_id == priv.id)
    )
    if done is not None:
        record_completion(
            session, employee_id=alice.id, course_id=priv.id, completed_at=done, score=90, source="manual"
        )
    session.flush()
    return priv


def entry(session: Session, today: dt.date, code: str = "PRIV-101") -> PlanEntry:
    plan = plan_service.build_plan(session, get_employee(session, person(session, "psr_alice").id), today)
    return next(e for e in plan.required if e.course.code == code)


def test_completed_until_the_expiry_date_then_expired_and_due_again(session: Session) -> None:
    alice_priv101(session)
    before = entry(session, EXPIRES - dt.timedelta(days=30))
    assert before.status == "completed" and before.expires_on == EXPIRES and before.due_on == EXPIRES
    assert not before.overdue and not before.due_soon and not before.expired

    warned = entry(session, EXPIRES - dt.timedelta(days=14))
    assert warned.status == "completed" and warned.due_soon and not warned.overdue

    on_the_day = entry(session, EXPIRES)
    assert on_the_day.status == "expired" and on_the_day.expired and on_the_day.due_on == EXPIRES
    assert not on_the_day.overdue and on_the_day.due_soon
    assert on_the_day.completed_on == DONE and on_the_day.score == 90  # the old completion is still shown

    after = entry(session, EXPIRES + dt.timedelta(days=1))
    assert after.status == "expired" and after.overdue and after.due_on == EXPIRES


def test_expired_counts_as_open_in_the_progress(session: Session) -> None:
    alice_priv101(session)
    alice = get_employee(session, person(session, "psr_alice").id)
    plan = plan_service.build_plan(session, alice, EXPIRES + dt.timedelta(days=3))
    progress = plan.required_progress
    assert progress.expired == 1 and progress.overdue >= 1
    assert plan.required[0].overdue  # what needs doing first comes first


def test_a_retake_renews_it(session: Session) -> None:
    priv = alice_priv101(session)
    retake = dt.date(2025, 3, 10)
    alice = person(session, "psr_alice")
    record_completion(
        session, employee_id=alice.id, course_id=priv.id, completed_at=retake, score=None, source="csv"
    )
    renewed = entry(session, dt.date(2025, 3, 11))
    assert renewed.status == "completed" and renewed.expires_on == dt.date(2026, 3, 10)
    assert renewed.completed_on == retake and not renewed.overdue


def test_without_a_validity_a_completion_counts_forever(session: Session) -> None:
    alice_priv101(session, months=None)
    forever = entry(session, dt.date(2040, 1, 1))
    assert forever.status == "completed" and forever.expires_on is None and not forever.due_soon


def test_a_later_assignment_due_date_extends_the_retake(session: Session) -> None:
    priv = alice_priv101(session)
    today = EXPIRES + dt.timedelta(days=5)
    extended = today + dt.timedelta(days=20)
    alice = person(session, "psr_alice")
    carl = user(session, "sup_carl")
    assign(
        session, carl, course_code=priv.code, target=Target("employee", str(alice.id)),
        due_on=extended, reason="Retake after leave", today=today,
    )  # fmt: skip
    row = entry(session, today)
    assert row.status == "expired" and row.due_on == extended and not row.overdue
    assert row.expires_on == EXPIRES


def test_a_waiver_beats_the_expiry(session: Session) -> None:
    priv = alice_priv101(session)
    today = EXPIRES + dt.timedelta(days=5)
    alice = person(session, "psr_alice")
    carl = user(session, "sup_carl")
    outcome = assign(
        session, carl, course_code=priv.code, target=Target("employee", str(alice.id)),
        due_on=today, reason="Recertify", today=today,
    )  # fmt: skip
    assert outcome.assigned
    assignment_id = entry(session, today).assignment
    assert assignment_id is not None
    waive(session, carl, assignment_id.id, "Leaving the desk role next month")
    assert entry(session, today).status == "waived"


def test_team_compliance_lists_it_as_overdue_after_the_expiry(session: Session) -> None:
    alice_priv101(session)
    carl = user(session, "sup_carl")
    alice = person(session, "psr_alice")

    def mine(today: dt.date, show: str) -> list[ComplianceRow]:
        found = team_compliance(session, carl, today, show=show, sort="employee", order="asc")
        return [r for r in found if r.employee_id == alice.id and r.course_code == "PRIV-101"]

    assert mine(EXPIRES, "overdue") == []
    [expired] = mine(EXPIRES, "open")
    assert expired.status == "expired" and expired.days_overdue == 0
    [late] = mine(EXPIRES + dt.timedelta(days=10), "overdue")
    assert late.status == "expired" and late.days_overdue == 10 and late.due_on == EXPIRES
    assert late.expires_on == EXPIRES
    [soon] = mine(EXPIRES - dt.timedelta(days=7), "due-soon")
    assert soon.status == "completed" and soon.expires_on == EXPIRES
    assert mine(EXPIRES - dt.timedelta(days=7), "open") == []  # still valid: nothing to do yet


def test_the_inbox_warns_before_expiry_then_reports_it_overdue(session: Session) -> None:
    alice_priv101(session)
    alice_account = user(session, "psr_alice")

    def notes(kind: str) -> list[str]:
        query = select(Notification.message).where(
            Notification.user_id == alice_account.id, Notification.kind == kind
        )
        return list(session.scalars(query))

    first = notify_due(session, EXPIRES - dt.timedelta(days=10))
    assert first.expiring >= 1
    [warning] = notes("expiring")
    assert warning.startswith("Required courses expiring within 14 days, to take again: ")
    assert "PRIV-101 (due 28 Feb 2025)" in warning
    again = notify_due(session, EXPIRES - dt.timedelta(days=9))
    assert again.expiring == 0 and len(notes("expiring")) == 1  # sent once

    notify_due(session, EXPIRES + dt.timedelta(days=2))
    assert any("PRIV-101 (due 28 Feb 2025)" in message for message in notes("overdue"))


def test_the_rules_agree_for_a_whole_team(session: Session) -> None:
    alice_priv101(session)
    alice = person(session, "psr_alice")
    rows = requirements.required_with_status(session, [alice.id], EXPIRES + dt.timedelta(days=1))
    [row] = [r for r in rows if r.course_id == course(session, "PRIV-101").id]
    assert (
        row.status == requirements.EXPIRED and row.is_open() and row.overdue(EXPIRES + dt.timedelta(days=1))
    )


# ---------------------------------------------------------------- the content format
def test_shipped_courses_that_are_retaken_carry_a_validity(session: Session) -> None:
    assert course(session, "PRIV-102").valid_for_months == 12  # the annual privacy refresher
    assert course(session, "LAB-105").valid_for_months == 12  # safety and infection control
    assert course(session, "PSR-101").valid_for_months is None
    exported = {c.code: export.course_item(c) for c in export.courses(session)}
    assert exported["PRIV-102"]["valid_for_months"] == 12
    assert "valid_for_months" not in exported["PSR-101"]


@pytest.mark.parametrize("months", [0, -1, 121, "yearly"])
def test_the_content_format_refuses_a_bad_validity(months: object) -> None:
    item = {
        "code": "PRIV-999", "title": "T", "summary": "S", "modality": "e-learning", "hours": 1, "level": 1,
        "competencies": ["privacy-compliance"], "lms_id": "https://lms.example/x", "valid_for_months": months,
    }  # fmt: skip
    with pytest.raises(ValidationError, match="valid_for_months"):
        CourseItem.model_validate(item)


def test_the_pages_show_it_expired_and_due_again(client: TestClient, session: Session) -> None:
    alice_priv101(session, months=1, done=add_months(TODAY, -2))
    sign_in(client, "psr_alice")
    plan = client.get("/learning")
    assert (
        plan.status_code == 200 and "Expired: due again" in plan.text and "expired and due again" in plan.text
    )
    assert "Mark PRIV-101 completed" in plan.text  # the retake can be marked
    client.cookies.clear()
    sign_in(client, "sup_carl")
    team = client.get("/learning/team?show=open&sort=course&order=asc")
    assert team.status_code == 200 and "Expired: due again" in team.text
    exported = client.get("/learning/team.csv?show=overdue").text
    assert any(",PRIV-101," in line and ",expired," in line for line in exported.splitlines())
