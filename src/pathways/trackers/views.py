"""Everything a tracker page, workbook or brief shows, gathered in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.levels import LevelWords
from pathways.competencies.models import Competency
from pathways.learning.models import (
    Completion,
    Course,
    CourseStart,
    course_competencies,
    course_prerequisites,
)
from pathways.trackers import conversations, gaps, learning_link, service
from pathways.trackers.models import CareerTracker, TrackerConversation, TrackerCourse


@dataclass(frozen=True)
class DoneCourse:
    code: str
    title: str
    completed_at: dt.date


@dataclass
class TrackerView:
    tracker: CareerTracker
    analysis: gaps.GapAnalysis
    statuses: dict[int, str]  # course id -> completed | in progress | waived | not started
    done: list[DoneCourse]
    warnings: list[str] = field(default_factory=list)  # planned before (or without) a prerequisite
    builds: dict[int, list[str]] = field(default_factory=dict)  # course id -> codes of competencies it builds
    levels: LevelWords | None = None

    def why(self, item: TrackerCourse) -> list[str]:
        """Why a planned course is there, in words: the gaps it closes for the role (issue 15)."""
        role = self.tracker.role.name
        words = self.levels or LevelWords(lambda: None)
        reasons = []
        by_code = {c.code: c for c in self.analysis.competencies}
        for code in self.builds.get(item.course_id, []):
            gap = by_code.get(code)
            if gap is None or gap.met or item.course.level <= gap.current:
                continue
            reached = min(item.course.level, gap.required)
            start = f" from {words.name(gap.current)}" if gap.current else ""
            reasons.append(f"Raises {gap.name}{start} to {words.name(reached)}, required for {role}")
        if any(c.id == item.course_id for c in self.tracker.role.required_courses):
            reasons.append(f"A course {role} requires")
        return reasons or [f"Closes no gap for {role}: chosen for its own sake"]

    def status(self, item: TrackerCourse) -> str:
        return self.statuses.get(item.course_id, "not started")

    @property
    def plan(self) -> list[TrackerCourse]:
        return sorted(self.tracker.courses, key=lambda i: (i.quarter, i.course.code))

    @property
    def plan_by_quarter(self) -> list[tuple[str, list[TrackerCourse]]]:
        return [(quarter, list(items)) for quarter, items in groupby(self.plan, key=lambda i: i.quarter)]

    @property
    def planned_hours(self) -> Decimal:
        return sum((i.course.hours for i in self.tracker.courses), Decimal(0))

    @property
    def approved_current(self) -> bool:
        return self.tracker.approved_revision == self.tracker.revision

    @property
    def open_conversation(self) -> TrackerConversation | None:
        """The conversation asked for and not yet recorded or declined (one at a time)."""
        return conversations.open_request(self.tracker)


CompletedRow = tuple[
    int, str, str, dt.date, int | None
]  # course id, code, title, date, a competency it builds


def completed_rows(session: Session, employee_id: int) -> list[CompletedRow]:
    """Every completion of one person with the competencies each course builds, in one query."""
    rows = session.execute(
        select(
            Course.id, Course.code, Course.title, Completion.completed_at, course_competencies.c.competency_id
        )
        .join(Completion, Completion.course_id == Course.id)
        .outerjoin(course_competencies, course_competencies.c.course_id == Course.id)
        .where(Completion.employee_id == employee_id)
        .order_by(Completion.completed_at, Course.code)
    )
    return [tuple(row) for row in rows]


def done_courses(tracker: CareerTracker, rows: list[CompletedRow]) -> list[DoneCourse]:
    """Completed courses that count towards the role: required ones and those building its competencies."""
    required = {c.id for c in tracker.role.required_courses}
    competencies = {r.competency_id for r in tracker.role.requirements}
    latest: dict[str, DoneCourse] = {}
    for course_id, code, title, on, competency_id in rows:
        if course_id in required or competency_id in competencies:
            latest[code] = DoneCourse(code, title, on)
    return sorted(latest.values(), key=lambda d: (d.completed_at, d.code))


def prerequisites_of(session: Session, course_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """course id -> [(prerequisite id, code)] for the planned courses, in one query."""
    if not course_ids:
        return {}
    rows = session.execute(
        select(course_prerequisites.c.course_id, Course.id, Course.code)
        .join(Course, Course.id == course_prerequisites.c.prerequisite_id)
        .where(course_prerequisites.c.course_id.in_(course_ids))
        .order_by(Course.code)
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for course_id, prerequisite_id, code in rows:
        found.setdefault(course_id, []).append((prerequisite_id, code))
    return found


def competencies_built(session: Session, course_ids: list[int]) -> dict[int, list[str]]:
    """course id -> codes of the competencies it builds, for the planned courses, in one query."""
    if not course_ids:
        return {}
    rows = session.execute(
        select(course_competencies.c.course_id, Competency.code)
        .join(Competency, Competency.id == course_competencies.c.competency_id)
        .where(course_competencies.c.course_id.in_(course_ids))
        .order_by(Competency.position, Competency.name)
    )
    found: dict[int, list[str]] = {}
    for course_id, code in rows:
        found.setdefault(course_id, []).append(code)
    return found


def build(
    session: Session,
    tracker: CareerTracker,
    record: gaps.EmployeeRecord | None = None,
    today: dt.date | None = None,
) -> TrackerView:
    return build_all(session, [tracker], record, today)[0]


def build_all(
    session: Session,
    trackers: list[CareerTracker],
    record: gaps.EmployeeRecord | None = None,
    today: dt.date | None = None,
) -> list[TrackerView]:
    """Views of one person's trackers in a fixed number of queries, however many trackers they keep."""
    if not trackers:
        return []
    employee_id = trackers[0].employee_id
    record = record or gaps.employee_record(session, trackers[0])
    course_ids = sorted({item.course_id for t in trackers for item in t.courses})
    statuses = learning_link.statuses(session, employee_id, course_ids)
    rows = completed_rows(session, employee_id)
    prerequisites = prerequisites_of(session, course_ids)
    builds = competencies_built(session, course_ids)
    levels = LevelWords(lambda: session)
    # Any completion meets a prerequisite, even one past its validity; so does a course already started.
    done = {row[0] for row in rows}
    started = set(
        session.scalars(select(CourseStart.course_id).where(CourseStart.employee_id == employee_id))
    )
    return [
        TrackerView(
            tracker=tracker,
            analysis=gaps.analyse(tracker, record, today),
            statuses={
                item.course_id: statuses[item.course_id]
                for item in tracker.courses
                if item.course_id in statuses
            },
            done=done_courses(tracker, rows),
            warnings=service.prerequisite_warnings(tracker, prerequisites, done, started),
            builds=builds,
            levels=levels,
        )
        for tracker in trackers
    ]
