"""Resolving completion rejections: an admin maps the person or the course a statement named, then applies it.

A mapping is kept (xapi_mappings), so later statements naming the same identifier match by themselves, and
the other open rejections it settles are applied with it. Applying checks the import's rules again (a
statement dated before the hire date stays refused); when the statement still fails, nothing changes.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.errors import BadRequest, Conflict, NotFound
from pathways.learning import completion_rules as rules
from pathways.learning.completions import record_reports
from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.xapi import bridge, jsoncodec
from pathways.xapi.models import XapiCompletionRejection, XapiMapping, XapiStatement
from pathways.xapi.people import COURSE, PERSON, Lookup, mapping_hash

OPEN, RESOLVED, ALL = "open", "resolved", "all"
STATUSES = (OPEN, RESOLVED, ALL)
MAX_LIMIT = 200
RECHECK_LIMIT = 1000  # other open rejections settled by one mapping, at most, in one request


@dataclass(frozen=True)
class Applied:
    rejection: XapiCompletionRejection
    others_resolved: int


def browse(
    session: Session, status: str, limit: int, offset: int
) -> tuple[int, list[XapiCompletionRejection]]:
    if status not in STATUSES:
        raise BadRequest(f"status: must be {', '.join(STATUSES)}.")
    r = XapiCompletionRejection
    query = select(r)
    if status == OPEN:
        query = query.where(r.resolved_at.is_(None))
    elif status == RESOLVED:
        query = query.where(r.resolved_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(r.id.desc()).limit(limit).offset(offset)).all()
    return total, list(rows)


def _employee(session: Session, reference: str) -> Employee:
    # The CSV import's way of naming someone: an email, or else an employee number.
    reference = reference.strip()
    column = Employee.email if "@" in reference else Employee.employee_number
    value = reference.lower() if "@" in reference else reference.upper()
    found = session.scalar(select(Employee).where(column == value))
    if found is None:
        raise BadRequest(f"employee: no employee with email or number '{reference[:60]}'.")
    return found


def _course(session: Session, code: str) -> Course:
    found = session.scalar(select(Course).where(Course.code == code.strip().upper()))
    if found is None:
        raise BadRequest(f"course: no course with code '{code.strip()[:40]}'.")
    return found


def _map(
    session: Session, kind: str, key: str, user: User, employee_id: int | None, course_id: int | None
) -> None:
    key_hash = mapping_hash(kind, key)
    existing = session.scalar(select(XapiMapping).where(XapiMapping.key_hash == key_hash))
    if existing is None:
        existing = XapiMapping(kind=kind, key=key, key_hash=key_hash, created_by=user.id)
        session.add(existing)
    existing.employee_id, existing.course_id = employee_id, course_id
    session.flush()


def _recheck(session: Session, rejections: list[XapiCompletionRejection], user: User) -> dict[int, str]:
    """Check open rejections again with today's mappings; resolve those that pass. {id: what happened}."""
    documents = dict(
        session.execute(
            select(XapiStatement.statement_id, XapiStatement.document).where(
                XapiStatement.statement_id.in_([r.statement_id for r in rejections]),
                XapiStatement.voided.is_(False),
            )
        ).all()
    )
    statements: list[dict[str, Any]] = [
        jsoncodec.loads(documents[r.statement_id]) for r in rejections if r.statement_id in documents
    ]
    lookup = Lookup.ask(session, [s["actor"] for s in statements], {s["object"]["id"] for s in statements})
    reports, unmatched = bridge.check(lookup, statements)
    results: dict[str, str | rules.Problem] = dict(
        record_reports(
            session, [r for _, r in reports], source=bridge.SOURCE, today=bridge.today(), what=bridge.WHAT
        )
    )
    still: dict[str, dict[str, Any]] = {row["statement_id"]: row for row in unmatched}
    for statement, report in reports:
        result = results[report.ref]
        if isinstance(result, rules.Problem):
            still[report.ref] = bridge.rejection_row(statement, result, report.employee_id, report.course_id)
    now = dt.datetime.now(dt.UTC)
    outcome: dict[int, str] = {}
    for rejection in rejections:
        if rejection.statement_id not in documents:
            continue
        row = still.get(rejection.statement_id)
        if row is None:
            done = str(results[rejection.statement_id])
            rejection.resolved_at, rejection.resolution, rejection.resolved_by = now, done, user.id
            session.execute(
                update(XapiStatement)
                .where(XapiStatement.statement_id == rejection.statement_id)
                .values(bridge_note=f"{done} (after review)")
            )
            outcome[rejection.id] = done
        else:
            rejection.reason_code, rejection.reason = row["reason_code"], row["reason"]
            rejection.employee_id, rejection.course_id = row["employee_id"], row["course_id"]
            outcome[rejection.id] = row["reason"]
    session.flush()
    return outcome


def apply(
    session: Session, user: User, rejection_id: int, employee: str | None = None, course: str | None = None
) -> Applied:
    """Map the person and/or the course (an email or employee number, a course code), then apply."""
    rejection = session.get(XapiCompletionRejection, rejection_id)
    if rejection is None:
        raise NotFound(f"No completion rejection {rejection_id}.")
    if rejection.resolved_at is not None:
        raise Conflict(f"Completion rejection {rejection_id} is already resolved: {rejection.resolution}.")
    person = _employee(session, employee) if employee and employee.strip() else None
    course_row = _course(session, course) if course and course.strip() else None
    if person is not None and not rejection.actor_key:
        raise BadRequest("employee: the statement's actor has no identifier that a mapping could name.")
    reason_before = rejection.reason
    savepoint = session.begin_nested()
    if person is not None:
        _map(session, PERSON, rejection.actor_key, user, person.id, None)
    if course_row is not None:
        _map(session, COURSE, rejection.activity_id, user, None, course_row.id)
    result = _recheck(session, [rejection], user).get(rejection.id)
    resolved = rejection.resolved_at is not None
    if not resolved:
        savepoint.rollback()  # the mappings too: bad input changes nothing
        if result is None:
            raise Conflict("The statement was voided: there is nothing to apply.")
        raise BadRequest(f"{result}. Nothing was changed.")
    savepoint.commit()
    others = _settled_by(session, rejection, person is not None, course_row is not None)
    if others:
        _recheck(session, others, user)
    others_resolved = sum(1 for other in others if other.resolved_at is not None)
    audit.record(
        session,
        actor_user_id=user.id,
        action="xapi.completion.apply",
        entity="xapi_completion_rejection",
        entity_id=rejection.id,
        before={"reason": reason_before},
        after={
            "statement_id": rejection.statement_id,
            "resolution": rejection.resolution,
            "employee_id": person.id if person else None,
            "course_id": course_row.id if course_row else None,
            "others_resolved": others_resolved,
        },
    )
    return Applied(rejection, others_resolved)


def _settled_by(
    session: Session, rejection: XapiCompletionRejection, person: bool, course: bool
) -> list[XapiCompletionRejection]:
    r = XapiCompletionRejection
    same = []
    if person:
        same.append(r.actor_key == rejection.actor_key)
    if course:
        same.append(r.activity_id == rejection.activity_id)
    if not same:
        return []
    query = select(r).where(r.resolved_at.is_(None), r.id != rejection.id, or_(*same))
    return list(session.scalars(query.order_by(r.id).limit(RECHECK_LIMIT)))
