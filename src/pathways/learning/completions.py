"""Recording a completed course: one path for hand marks, the CSV import and the xAPI store."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    return completion, True


def withdraw_completion(session: Session, *, source_ref: str) -> int:
    """Remove what one report recorded (a voided xAPI statement); returns how many rows went."""
    rows = list(session.scalars(select(Completion).where(Completion.source_ref == source_ref)))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
