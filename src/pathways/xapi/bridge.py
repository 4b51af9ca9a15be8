"""The completion bridge: a completed or passed statement about a course's LMS activity is a completion.

A batch costs three look-ups whatever its size (employees by email, by number, courses by LMS id); only the
statements that do match a person and a course go through record_completion, one by one.
"""

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.learning.completions import record_completion, withdraw_completion
from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.xapi.formats import parse_timestamp

COMPLETION_VERBS = frozenset(
    {"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed"}
)
RECORDED = "recorded"
NOTE_LENGTH = 300  # xapi_statements.bridge_note; an activity IRI in a note may be longer
WITHDRAWN = "withdrawn: the statement was voided"


def _email(actor: dict[str, Any]) -> str | None:
    mbox = actor.get("mbox")
    return mbox[len("mailto:") :].lower() if isinstance(mbox, str) else None


def _employee_number(actor: dict[str, Any]) -> str | None:
    account = actor.get("account")
    return account.get("name") if isinstance(account, dict) else None


def score_percent(statement: dict[str, Any]) -> int | None:
    score = (statement.get("result") or {}).get("score") or {}
    if "scaled" in score:
        return max(0, round(score["scaled"] * 100))
    raw = score.get("raw")
    if raw is not None and 0 <= raw <= 100:
        return round(raw)
    return None


def is_completion(statement: dict[str, Any]) -> bool:
    obj = statement["object"]
    return statement["verb"]["id"] in COMPLETION_VERBS and obj.get("objectType", "Activity") == "Activity"


def record_batch(session: Session, statements: list[dict[str, Any]]) -> dict[str, str]:
    """{statement id: outcome} for every completion statement in the batch (others are left out)."""
    candidates = [s for s in statements if is_completion(s)]
    if not candidates:
        return {}
    emails = {e for s in candidates if (e := _email(s["actor"]))}
    numbers = {n for s in candidates if (n := _employee_number(s["actor"]))}
    lms_ids = {s["object"]["id"] for s in candidates}
    by_email: dict[str, int] = {}
    by_number: dict[str, int] = {}
    if emails:
        for found_id, found_email in session.execute(
            select(Employee.id, Employee.email).where(Employee.email.in_(emails))
        ):
            by_email[found_email.lower()] = found_id
    if numbers:
        for found_id, found_number in session.execute(
            select(Employee.id, Employee.employee_number).where(Employee.employee_number.in_(numbers))
        ):
            by_number[found_number] = found_id
    courses = dict(session.execute(select(Course.lms_id, Course.id).where(Course.lms_id.in_(lms_ids))).all())

    outcomes: dict[str, str] = {}
    for statement in candidates:
        actor = statement["actor"]
        email, number = _email(actor), _employee_number(actor)
        employee_id: int | None = None
        if email:
            employee_id = by_email.get(email)
        elif number:
            employee_id = by_number.get(number)
        course_id = courses.get(statement["object"]["id"])
        if employee_id is None:
            who = f"email {email}" if email else f"employee number {number}" if number else "this identifier"
            outcomes[statement["id"]] = f"not matched: no employee with {who}"
        elif course_id is None:
            outcomes[statement["id"]] = f"not matched: no course with LMS id {statement['object']['id']}"
        else:
            moment = parse_timestamp(statement.get("timestamp")) or dt.datetime.now(dt.UTC)
            _, created = record_completion(
                session,
                employee_id=employee_id,
                course_id=course_id,
                completed_at=moment.date(),
                score=score_percent(statement),
                source="xapi",
                source_ref=statement["id"],
            )
            outcomes[statement["id"]] = RECORDED if created else "already recorded by an earlier report"
    return {statement_id: note[:NOTE_LENGTH] for statement_id, note in outcomes.items()}


def withdraw(session: Session, statement_ids: list[str]) -> int:
    return sum(withdraw_completion(session, source_ref=sid) for sid in statement_ids)
