"""Completions the LRS records, and the ones a voiding statement withdraws, keep the level summary equal to
the facts (competencies.level_summary), in the request that stores the statement."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.learning.models import Completion, Course, course_competencies
from pathways.org.models import Employee
from tests.competencies.level_check import assert_summary_is_live
from tests.xapi.conftest import COMPLETED, VOIDED, Lrs, statement

DAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)


def test_recorded_and_voided_statements_keep_the_summary(lrs: Lrs, session: Session) -> None:
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()
    done = select(Completion.course_id).where(Completion.employee_id == alice.id)
    course = session.scalars(
        select(Course)
        .where(Course.id.not_in(done), Course.id.in_(select(course_competencies.c.course_id)))
        .order_by(Course.level.desc(), Course.code)
    ).first()
    assert course is not None
    before = assert_summary_is_live(session)
    s = statement(COMPLETED, course.lms_id, timestamp=f"{DAY.isoformat()}T09:30:00Z")
    s["actor"] = {"mbox": f"mailto:{alice.email}"}
    assert lrs.post(s).status_code == 200
    session.expire_all()
    assert assert_summary_is_live(session) != before
    voided = statement(VOIDED, object={"objectType": "StatementRef", "id": s["id"]})
    assert lrs.post(voided).status_code == 200
    session.expire_all()
    assert assert_summary_is_live(session) == before
