"""The completion bridge: a completed or passed statement about a course's LMS activity is a completion.

A batch costs a fixed number of queries whatever its size (see record_batch).
"""

import datetime as dt
from typing import Any

from sqlalchemy import insert, literal, select, union_all
from sqlalchemy.orm import Session

from pathways.learning.completions import CompletionKey, existing_completions, withdraw_completion
from pathways.learning.models import Completion, Course
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


def _lookups(
    session: Session, emails: set[str], numbers: set[str], lms_ids: set[str]
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """({email: employee id}, {employee number: employee id}, {LMS id: course id}) in one query."""
    found: dict[str, dict[str, int]] = {"email": {}, "number": {}, "course": {}}
    parts = [select(literal("course"), Course.lms_id, Course.id).where(Course.lms_id.in_(lms_ids))]
    if emails:
        parts.append(select(literal("email"), Employee.email, Employee.id).where(Employee.email.in_(emails)))
    if numbers:
        parts.append(
            select(literal("number"), Employee.employee_number, Employee.id).where(
                Employee.employee_number.in_(numbers)
            )
        )
    for kind, key, found_id in session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        found[kind][key.lower() if kind == "email" else key] = found_id
    return found["email"], found["number"], found["course"]


def record_batch(session: Session, statements: list[dict[str, Any]]) -> dict[str, str]:
    """{statement id: outcome} for every completion statement in the batch (others are left out).

    One query finds the people and the courses the batch names; when some statements match both, one more
    finds the completions already recorded and one INSERT (a flush of all the new rows) records the rest.
    """
    candidates = [s for s in statements if is_completion(s)]
    if not candidates:
        return {}
    by_email, by_number, courses = _lookups(
        session,
        {e for s in candidates if (e := _email(s["actor"]))},
        {n for s in candidates if (n := _employee_number(s["actor"]))},
        {s["object"]["id"] for s in candidates},
    )

    outcomes: dict[str, str] = {}
    matched: list[tuple[dict[str, Any], CompletionKey]] = []
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
            matched.append((statement, (employee_id, course_id, moment.date())))
    if matched:
        # The same idempotence as record_completion: one completion per employee, course and day, the first
        # report of it (in this batch or before) being the one recorded.
        known = existing_completions(session, sorted({key for _, key in matched}))
        new: dict[CompletionKey, dict[str, Any]] = {}
        for statement, key in matched:
            if key in known or key in new:
                outcomes[statement["id"]] = "already recorded by an earlier report"
                continue
            employee_id, course_id, day = key
            new[key] = {
                "employee_id": employee_id,
                "course_id": course_id,
                "completed_at": day,
                "score": score_percent(statement),
                "source": "xapi",
                "source_ref": statement["id"],
            }
            outcomes[statement["id"]] = RECORDED
        if new:
            # A bulk INSERT (one executemany): the ORM's flush would insert row by row on SQLite.
            session.execute(insert(Completion), list(new.values()))
    return {statement_id: note[:NOTE_LENGTH] for statement_id, note in outcomes.items()}


def withdraw(session: Session, statement_ids: list[str]) -> int:
    return sum(withdraw_completion(session, source_ref=sid) for sid in statement_ids)
