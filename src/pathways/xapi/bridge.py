"""The completion bridge: a completed or passed statement about a course's LMS activity is a completion.

It meets the CSV import's rules (learning.completion_rules): a statement that names no known person or course,
or whose timestamp is in the future or before the person was hired, is stored all the same (the LRS answers
200) but records nothing; it is listed for admins as a completion rejection, with its reason, to resolve.
A batch costs a fixed number of queries whatever its size (see record_batch).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from pathways.badges.service import revoke_withdrawn
from pathways.learning import completion_rules as rules
from pathways.learning.completions import RECORDED, Report, record_reports, withdraw_completions
from pathways.xapi.agents import ifi_key
from pathways.xapi.formats import parse_timestamp
from pathways.xapi.models import XapiCompletionRejection
from pathways.xapi.people import Lookup, describe

COMPLETION_VERBS = frozenset(
    {"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed"}
)
NOTE_LENGTH = 300  # xapi_statements.bridge_note and the rejection's reason; an IRI in a note may be longer
WITHDRAWN = "withdrawn: the statement was voided"
WITHDRAWN_BADGE = "withdrawn: the completion it was issued for was voided in the LMS (xAPI)"
VOIDED_RESOLUTION = "voided: the statement was voided before it was resolved"
SOURCE = "xapi"
WHAT = "timestamp"  # how the rules' messages name the date


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


def completed_on(statement: dict[str, Any]) -> dt.date:
    return (parse_timestamp(statement.get("timestamp")) or dt.datetime.now(dt.UTC)).date()


def today() -> dt.date:
    # Statement timestamps are compared in UTC, the zone the LRS stores them in.
    return dt.datetime.now(dt.UTC).date()


@dataclass
class Outcome:
    """What a batch's completion statements came to: a note per statement, and the rejections to list."""

    notes: dict[str, str] = field(default_factory=dict)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    recorded_for: set[int] = field(default_factory=set)  # employees with a completion recorded just now


def rejection_row(
    statement: dict[str, Any], problem: rules.Problem, employee_id: int | None, course_id: int | None
) -> dict[str, Any]:
    return {
        "statement_id": statement["id"],
        "reason_code": problem.code,
        "reason": problem.message[:NOTE_LENGTH],
        "actor_key": ifi_key(statement["actor"]) or "",
        "activity_id": statement["object"]["id"],
        "completed_on": completed_on(statement),
        "score": score_percent(statement),
        "employee_id": employee_id,
        "course_id": course_id,
    }


def check(
    lookup: Lookup, statements: list[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], Report]], list[dict[str, Any]]]:
    """(the statements that name a known person and course, as reports; rejection rows for the others)."""
    reports: list[tuple[dict[str, Any], Report]] = []
    rejections: list[dict[str, Any]] = []
    for statement in statements:
        person = lookup.person(statement["actor"])
        course_id = lookup.course(statement["object"]["id"])
        if person is None:
            problem = rules.Problem(
                rules.UNKNOWN_PERSON, f"not matched: no employee with {describe(statement['actor'])}"
            )
            rejections.append(rejection_row(statement, problem, None, course_id))
        elif course_id is None:
            problem = rules.Problem(
                rules.UNKNOWN_COURSE, f"not matched: no course with LMS id {statement['object']['id']}"
            )
            rejections.append(rejection_row(statement, problem, person.id, None))
        else:
            report = Report(
                statement["id"], person.id, person.hire_date, course_id, completed_on(statement),
                score_percent(statement),
            )  # fmt: skip
            reports.append((statement, report))
    return reports, rejections


def record_batch(session: Session, statements: list[dict[str, Any]], lookup: Lookup | None = None) -> Outcome:
    """The completion statements of a batch, checked and recorded (others are left out of the outcome).

    One query finds the people and courses the batch names (or the caller's `lookup`, asked along with its
    own look-up); when some statements name both, one more finds
    the completions already recorded and one INSERT records the rest (learning.completions.record_reports).
    """
    candidates = [s for s in statements if is_completion(s)]
    outcome = Outcome()
    if not candidates:
        return outcome
    if lookup is None:
        lookup = Lookup.ask(
            session, [s["actor"] for s in candidates], {s["object"]["id"] for s in candidates}
        )
    reports, outcome.rejections = check(lookup, candidates)
    results = record_reports(session, [r for _, r in reports], source=SOURCE, today=today(), what=WHAT)
    for statement, report in reports:
        result = results[report.ref]
        if isinstance(result, rules.Problem):
            outcome.rejections.append(rejection_row(statement, result, report.employee_id, report.course_id))
        else:
            outcome.notes[report.ref] = result
            if result == RECORDED:
                outcome.recorded_for.add(report.employee_id)
    for row in outcome.rejections:
        outcome.notes[row["statement_id"]] = row["reason"]
    return outcome


def withdraw(session: Session, statement_ids: list[str]) -> int:
    """Voided statements: their completions go, with the course badges they earned (unless another completion
    still earns one), and their open rejections are closed."""
    session.execute(
        update(XapiCompletionRejection)
        .where(
            XapiCompletionRejection.statement_id.in_(statement_ids),
            XapiCompletionRejection.resolved_at.is_(None),
        )
        .values(resolved_at=dt.datetime.now(dt.UTC), resolution=VOIDED_RESOLUTION)
    )
    withdrawn = withdraw_completions(session, statement_ids)
    revoke_withdrawn(session, withdrawn, WITHDRAWN_BADGE)
    return len(withdrawn)
