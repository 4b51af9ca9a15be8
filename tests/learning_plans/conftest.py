"""Shared fixtures for the learning-plan tests: the demo accounts and people, by their names."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.learning.models import Course
from pathways.org.models import Employee

TODAY = dt.date.today()


def user(session: Session, who: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def person(session: Session, who: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def course(session: Session, code: str) -> Course:
    found = session.scalar(select(Course).where(Course.code == code))
    assert found is not None, code
    return found


@pytest.fixture
def today() -> dt.date:
    return TODAY
