"""What an employee's record shows of each competency: the evidence behind their current level."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.models import Competency
from pathways.learning.models import Completion, Course, course_competencies


@dataclass(frozen=True)
class Evidence:
    competency: str
    level: int
    source: str  # "course" for now; ratings, observations and the practice desk join later
    detail: str  # what produced it: the course code
    on: dt.date


def course_evidence(session: Session, employee_id: int) -> list[Evidence]:
    # A completed course evidences every competency it builds, at the course's level.
    rows = session.execute(
        select(Competency.code, Course.level, Course.code, Completion.completed_at)
        .join(course_competencies, course_competencies.c.competency_id == Competency.id)
        .join(Course, Course.id == course_competencies.c.course_id)
        .join(Completion, Completion.course_id == Course.id)
        .where(Completion.employee_id == employee_id)
        .order_by(Completion.completed_at)
    )
    return [Evidence(code, level, "course", course, on) for code, level, course, on in rows]


def current_levels(evidence: list[Evidence]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for item in evidence:
        levels[item.competency] = max(levels.get(item.competency, 0), item.level)
    return levels


def completed_courses(session: Session, employee_id: int) -> set[str]:
    query = select(Course.code).join(Completion, Completion.course_id == Course.id)
    return set(session.scalars(query.where(Completion.employee_id == employee_id)))
