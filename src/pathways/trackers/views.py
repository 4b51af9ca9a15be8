"""Everything a tracker page, workbook or brief shows, gathered in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from pathways.learning.models import Completion, Course, course_competencies
from pathways.trackers import gaps, service
from pathways.trackers.models import CareerTracker, TrackerCourse


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
    def open_conversation(self) -> bool:
        return any(c.status == "requested" for c in self.tracker.conversations)


def done_courses(session: Session, tracker: CareerTracker) -> list[DoneCourse]:
    """Completed courses that count towards the role: required ones and those building its competencies."""
    required = [c.id for c in tracker.role.required_courses]
    competencies = [r.competency_id for r in tracker.role.requirements]
    builds = select(course_competencies.c.course_id).where(
        course_competencies.c.competency_id.in_(competencies)
    )
    rows = session.execute(
        select(Course.code, Course.title, Completion.completed_at)
        .join(Completion, Completion.course_id == Course.id)
        .where(Completion.employee_id == tracker.employee_id)
        .where(or_(Course.id.in_(required), Course.id.in_(builds)))
        .order_by(Completion.completed_at, Course.code)
    )
    latest: dict[str, DoneCourse] = {}
    for code, title, on in rows:
        latest[code] = DoneCourse(code, title, on)
    return sorted(latest.values(), key=lambda d: (d.completed_at, d.code))


def build(
    session: Session,
    tracker: CareerTracker,
    record: gaps.EmployeeRecord | None = None,
    today: dt.date | None = None,
) -> TrackerView:
    record = record or gaps.employee_record(session, tracker)
    return TrackerView(
        tracker=tracker,
        analysis=gaps.analyse(tracker, record, today),
        statuses=service.course_statuses(session, tracker),
        done=done_courses(session, tracker),
    )
