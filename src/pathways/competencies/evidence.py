"""What an employee's record shows of each competency, and the level it adds up to.

The rule (shared by the tracker, the planner and bench strength): the current level is the most recent
manager rating where there is one; otherwise the highest level evidenced by completed courses,
site-lead observations or other evidence (the practice desk). Self-ratings are shown, never counted.

Practice evidence is earned before it is recorded: the practice desk writes an EvidenceRecord (source
"practice") only once a learner's passed practice sets hold enough cases of enough case types for that
competency (practice.evidence, with the minimums in content/practice.yaml), never for a set as such. This
module and teams.levels therefore read practice records like any other evidence.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.competencies.models import Competency, CompetencyRating, EvidenceRecord, Observation
from pathways.learning.models import Completion, Course, CourseStart, course_competencies
from pathways.learning.requirements import add_months


@dataclass(frozen=True)
class Evidence:
    competency: str
    level: int
    source: str  # course | observation | practice | import | manager-rating
    detail: str  # what produced it: a course code, the observer's note, a practice set...
    on: dt.date


@dataclass(frozen=True)
class CurrentLevel:
    competency: str
    level: int
    basis: str  # "manager rating" or "evidence" or "none"
    self_rating: int | None
    manager_rating: int | None


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


def other_evidence(session: Session, employee_id: int) -> list[Evidence]:
    observed = session.execute(
        select(Competency.code, Observation.level, Observation.note, Observation.observed_on)
        .join(Observation, Observation.competency_id == Competency.id)
        .where(Observation.employee_id == employee_id)
    )
    recorded = session.execute(
        select(Competency.code, EvidenceRecord.level, EvidenceRecord.source, EvidenceRecord.detail,
               EvidenceRecord.recorded_on)
        .join(EvidenceRecord, EvidenceRecord.competency_id == Competency.id)
        .where(EvidenceRecord.employee_id == employee_id)
    )  # fmt: skip
    items = [Evidence(code, level, "observation", note, on) for code, level, note, on in observed]
    items += [Evidence(code, level, source, detail, on) for code, level, source, detail, on in recorded]
    return sorted(items, key=lambda e: e.on)


def all_evidence(session: Session, employee_id: int) -> list[Evidence]:
    return sorted(
        course_evidence(session, employee_id) + other_evidence(session, employee_id), key=lambda e: e.on
    )


def latest_ratings(session: Session, employee_id: int) -> dict[tuple[str, str], int]:
    """(competency code, kind) -> the most recent rating of that kind."""
    rows = session.execute(
        select(Competency.code, CompetencyRating.kind, CompetencyRating.level)
        .join(CompetencyRating, CompetencyRating.competency_id == Competency.id)
        .where(CompetencyRating.employee_id == employee_id)
        .order_by(CompetencyRating.rated_at, CompetencyRating.id)
    )
    latest: dict[tuple[str, str], int] = {}
    for code, kind, level in rows:
        latest[(code, kind)] = level  # later rows overwrite earlier ones
    return latest


def current_levels(evidence: list[Evidence]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for item in evidence:
        levels[item.competency] = max(levels.get(item.competency, 0), item.level)
    return levels


def levels_for(session: Session, employee_id: int) -> dict[str, CurrentLevel]:
    evidenced = current_levels(all_evidence(session, employee_id))
    ratings = latest_ratings(session, employee_id)
    codes = set(evidenced) | {code for code, _ in ratings}
    result = {}
    for code in codes:
        manager = ratings.get((code, "manager"))
        if manager is not None:
            level, basis = manager, "manager rating"
        elif code in evidenced:
            level, basis = evidenced[code], "evidence"
        else:
            level, basis = 0, "none"
        result[code] = CurrentLevel(code, level, basis, ratings.get((code, "self")), manager)
    return result


def completion_status(
    session: Session, employee_id: int, today: dt.date | None = None
) -> tuple[set[str], set[str]]:
    """(courses whose latest completion still counts, courses completed once whose completion has expired).

    Recertification (learning.requirements): a course with valid_for_months counts as completed until
    add_months(latest completion, months). An expired completion stays in course_evidence: the person
    showed the competency once, and the level rule above keeps that evidence (a manager's rating still
    wins). But it no longer meets a requirement to have the course: a role that requires it needs it
    retaken, so the planner plans it again and the tracker shows it as not completed."""
    today = today or dt.date.today()
    rows = session.execute(
        select(Course.code, Course.valid_for_months, func.max(Completion.completed_at))
        .join(Completion, Completion.course_id == Course.id)
        .where(Completion.employee_id == employee_id)
        .group_by(Course.id, Course.code, Course.valid_for_months)
    )
    valid: set[str] = set()
    expired: set[str] = set()
    for code, months, latest in rows:
        if months and add_months(latest, months) <= today:
            expired.add(code)
        else:
            valid.add(code)
    return valid, expired


def completed_courses(session: Session, employee_id: int, today: dt.date | None = None) -> set[str]:
    """Courses completed and, where the course must be renewed, not yet expired."""
    return completion_status(session, employee_id, today)[0]


def started_courses(session: Session, employee_id: int) -> set[str]:
    """Courses the employee marked started (or the LMS reported launched) and has not completed since."""
    latest = (
        select(Completion.course_id, func.max(Completion.completed_at).label("on"))
        .where(Completion.employee_id == employee_id)
        .group_by(Completion.course_id)
        .subquery()
    )
    query = (
        select(Course.code)
        .join(CourseStart, CourseStart.course_id == Course.id)
        .outerjoin(latest, latest.c.course_id == Course.id)
        .where(CourseStart.employee_id == employee_id)
        # A start on or before the latest completion was the attempt that completed; a later one is a retake.
        .where((latest.c.on.is_(None)) | (CourseStart.started_on > latest.c.on))
    )
    return set(session.scalars(query))
