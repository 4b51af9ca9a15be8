"""Recording a completed course: one path for hand marks, the CSV import and the xAPI store.

Each path also brings the level summary up to date in the same transaction (competencies.level_summary): a
completion is evidence of the competencies its course builds."""

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, insert, select, text, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from pathways.competencies import level_summary
from pathways.db import Base
from pathways.learning.completion_rules import Problem, date_problem
from pathways.learning.models import Completion


def record_completion(
    session: Session,
    *,
    employee_id: int,
    course_id: int,
    completed_at: dt.date,
    score: int | None,
    source: str,
    source_ref: str | None = None,
) -> tuple[Completion, bool]:
    """Idempotent: the same employee, course and date give the one existing row. Returns (row, created)."""
    existing = session.scalar(
        select(Completion).where(
            Completion.employee_id == employee_id,
            Completion.course_id == course_id,
            Completion.completed_at == completed_at,
        )
    )
    if existing is not None:
        return existing, False
    completion = Completion(
        employee_id=employee_id,
        course_id=course_id,
        completed_at=completed_at,
        score=score,
        source=source,
        source_ref=source_ref,
    )
    session.add(completion)
    session.flush()
    level_summary.add_course_evidence(session, [(employee_id, course_id)])
    return completion, True


def withdraw_completions(session: Session, source_refs: Sequence[str]) -> list["CompletionKey"]:
    """Remove what these reports recorded (voided xAPI statements); returns the keys of the rows that went."""
    if not source_refs:
        return []
    rows = list(session.scalars(select(Completion).where(Completion.source_ref.in_(source_refs))))
    for row in rows:
        session.delete(row)
    session.flush()
    level_summary.refresh_levels(session, {row.employee_id for row in rows})
    return [(row.employee_id, row.course_id, row.completed_at) for row in rows]


CompletionKey = tuple[int, int, dt.date]  # (employee id, course id, completed_at): what makes one unique
LOOKUP_CHUNK = 5000
# The portable fallback, a row-value IN list, binds 3 parameters a key: keep it under SQLite's limit.
TUPLE_IN_CHUNK = 1000

# One bound parameter (SQLite: a JSON array) or three (PostgreSQL: arrays) for a whole chunk of keys, each
# probed through the unique index on (employee_id, course_id, completed_at). A row-value IN list of
# thousands of parameters costs more to compile and bind than the lookup itself.
_LOOKUP_SQL = {
    "sqlite": """
        SELECT c.employee_id, c.course_id, c.completed_at, c.id
        FROM json_each(:keys) AS k
        CROSS JOIN completions AS c
        WHERE c.employee_id = json_extract(k.value, '$[0]')
          AND c.course_id = json_extract(k.value, '$[1]')
          AND c.completed_at = json_extract(k.value, '$[2]')""",
    # LATERAL ... LIMIT 1 keeps each key an index probe: during a long import the planner's statistics
    # still describe the table as it was before, and a hash join would scan all of it for every chunk.
    "postgresql": """
        SELECT k.employee_id, k.course_id, k.completed_at, c.id
        FROM unnest(CAST(:employees AS integer[]), CAST(:courses AS integer[]), CAST(:days AS date[]))
             AS k(employee_id, course_id, completed_at)
        CROSS JOIN LATERAL (
            SELECT id FROM completions
            WHERE employee_id = k.employee_id AND course_id = k.course_id AND completed_at = k.completed_at
            LIMIT 1
        ) AS c""",
}
_LOOKUP_COLUMNS: dict[str, type[TypeEngine[Any]]] = {
    "employee_id": Integer,
    "course_id": Integer,
    "completed_at": Date,
    "id": Integer,
}


class NewCompletion(NamedTuple):
    # A named tuple, not a dataclass: an import builds a million of them.
    employee_id: int
    course_id: int
    completed_at: dt.date
    score: int | None

    @property
    def key(self) -> CompletionKey:
        return (self.employee_id, self.course_id, self.completed_at)


def _lookup(session: Session, keys: Sequence[CompletionKey]) -> Iterator[tuple[int, int, dt.date, int]]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        data = json.dumps([[e, c, d.isoformat()] for e, c, d in keys])
        lookup = text(_LOOKUP_SQL[dialect]).columns(**_LOOKUP_COLUMNS)
        yield from session.execute(lookup, {"keys": data})
    elif dialect == "postgresql":
        employees, courses, days = (list(column) for column in zip(*keys, strict=True))
        lookup = text(_LOOKUP_SQL[dialect]).columns(**_LOOKUP_COLUMNS)
        params = {"employees": employees, "courses": courses, "days": days}
        yield from session.execute(lookup, params)
    else:
        columns = tuple_(Completion.employee_id, Completion.course_id, Completion.completed_at)
        for start in range(0, len(keys), TUPLE_IN_CHUNK):
            query = select(
                Completion.employee_id, Completion.course_id, Completion.completed_at, Completion.id
            ).where(columns.in_(keys[start : start + TUPLE_IN_CHUNK]))
            yield from session.execute(query)


def existing_completions(session: Session, keys: Sequence[CompletionKey]) -> dict[CompletionKey, int]:
    """The id of each key already recorded, in one query per LOOKUP_CHUNK keys."""
    found: dict[CompletionKey, int] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        for employee_id, course_id, completed_at, completion_id in _lookup(
            session, keys[start : start + LOOKUP_CHUNK]
        ):
            found[(employee_id, course_id, completed_at)] = completion_id
    return found


def record_completions(
    session: Session, rows: Sequence[NewCompletion], *, source: str
) -> dict[CompletionKey, int]:
    """The bulk form of record_completion, with the same idempotence (employee, course and date).

    Per-row queries would not do for an LMS export of a million rows: this looks the keys up in chunks and
    inserts what is new as one batched INSERT. Returns the ids of the keys that were already there (the
    first of repeated keys in `rows` is the one kept); every other row was inserted.
    """
    unique: dict[CompletionKey, NewCompletion] = {}
    for row in rows:
        unique.setdefault(row.key, row)
    # In key order, lookups and inserts walk the unique index forward instead of jumping about in it.
    keys = sorted(unique)
    known = existing_completions(session, keys)
    new = [
        {
            "employee_id": row.employee_id,
            "course_id": row.course_id,
            "completed_at": row.completed_at,
            "score": row.score,
            "source": source,
        }
        for key in keys
        if key not in known
        for row in (unique[key],)
    ]
    if new:
        # Core executemany on the table: no ORM objects to build, and the session has nothing to track.
        session.execute(insert(Base.metadata.tables["completions"]), new)
        level_summary.add_course_evidence(session, (key[:2] for key in keys if key not in known))
    return known


class Report(NamedTuple):
    """One report of a completion by someone known (a statement of the LRS): checked, then recorded."""

    ref: str  # the report's own id, kept as the completion's source_ref (a voided report withdraws it)
    employee_id: int
    hire_date: dt.date
    course_id: int
    completed_at: dt.date
    score: int | None


RECORDED = "recorded"
ALREADY_RECORDED = "already recorded by an earlier report"


def record_reports(
    session: Session, reports: Sequence[Report], *, source: str, today: dt.date, what: str = "completed_at"
) -> dict[str, str | Problem]:
    """Apply the import's rules to each report and record the ones that pass: {ref: RECORDED,
    ALREADY_RECORDED or the Problem}.

    The idempotence is record_completion's (one completion per employee, course and day; the first report of
    it, in this call or before, is the one recorded), and the cost is one lookup and one INSERT whatever the
    number of reports. `what`: how the reporter calls the date, for the problem's message.
    """
    outcomes: dict[str, str | Problem] = {}
    passing: list[Report] = []
    for report in reports:
        problem = date_problem(report.completed_at, report.hire_date, today, what)
        if problem is None:
            passing.append(report)
        else:
            outcomes[report.ref] = problem
    if not passing:
        return outcomes
    known = existing_completions(
        session, sorted({(r.employee_id, r.course_id, r.completed_at) for r in passing})
    )
    new: dict[CompletionKey, dict[str, Any]] = {}
    for report in passing:
        key = (report.employee_id, report.course_id, report.completed_at)
        if key in known or key in new:
            outcomes[report.ref] = ALREADY_RECORDED
            continue
        new[key] = {
            "employee_id": report.employee_id,
            "course_id": report.course_id,
            "completed_at": report.completed_at,
            "score": report.score,
            "source": source,
            "source_ref": report.ref,
        }
        outcomes[report.ref] = RECORDED
    if new:
        # A bulk INSERT (one executemany): the ORM's flush would insert row by row on SQLite.
        session.execute(insert(Completion), list(new.values()))
        level_summary.add_course_evidence(
            session, ((row["employee_id"], row["course_id"]) for row in new.values())
        )
    return outcomes
