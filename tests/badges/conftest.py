import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.badges import service
from pathways.badges.models import Badge
from pathways.config import Settings
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee


def person(session: Session, key: str) -> Employee:
    employee = session.scalar(select(Employee).where(Employee.email == f"{key}@pathways.example"))
    assert employee is not None
    return employee


def course_not_completed_by(session: Session, employee_id: int) -> Course:
    done = select(Completion.course_id).where(Completion.employee_id == employee_id)
    course = session.scalar(
        select(Course).where(Course.id.not_in(done), Course.valid_for_months.is_(None)).order_by(Course.code)
    )
    assert course is not None
    return course


@pytest.fixture
def how(settings: Settings) -> service.Issuing:
    return service.issuing(settings)


@pytest.fixture
def alice_badge(session: Session, how: service.Issuing) -> Badge:
    """A badge of Alice's for a course she completes now (the demo database starts with no badge)."""
    alice = person(session, "psr_alice")
    course = course_not_completed_by(session, alice.id)
    session.add(
        Completion(
            employee_id=alice.id,
            course_id=course.id,
            completed_at=dt.date.today(),
            score=None,
            source="manual",
        )
    )
    session.flush()
    issued = [
        b
        for b in service.award_earned(session, how, alice.id)
        if b.achievement_key == f"course:{course.code}"
    ]
    assert len(issued) == 1
    return issued[0]
