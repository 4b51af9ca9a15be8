"""Completed or passed statements about a course's LMS activity become completions; voiding undoes them."""

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.badges import keys as badge_keys
from pathways.badges.models import Badge
from pathways.config import Settings
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee
from pathways.xapi.models import XapiStatement
from tests.helpers import counting_statements
from tests.xapi.conftest import COMPLETED, VOIDED, Lrs, statement

PASSED = "http://adlnet.gov/expapi/verbs/passed"


@pytest.fixture
def alice(session: Session) -> Employee:
    employee = session.scalar(select(Employee).where(Employee.email == "psr_alice@pathways.example"))
    assert employee is not None
    return employee


@pytest.fixture
def course(session: Session, alice: Employee) -> Course:
    # One Alice has not completed in the demo: a completion of it is always new.
    done = select(Completion.course_id).where(Completion.employee_id == alice.id)
    found = session.scalar(select(Course).where(Course.id.not_in(done)).order_by(Course.code).limit(1))
    assert found is not None
    return found


def completions(session: Session, employee: Employee, course: Course) -> list[Completion]:
    session.expire_all()
    return list(
        session.scalars(
            select(Completion).where(Completion.employee_id == employee.id, Completion.course_id == course.id)
        )
    )


# A recent day: the import's rules refuse a completion dated in the future or before the hire date.
DAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)


def report(verb: str, course: Course, actor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    s = statement(verb, course.lms_id, timestamp=f"{DAY.isoformat()}T09:30:00Z", **extra)
    s["actor"] = actor
    return s


def note(session: Session, statement_id: str) -> str | None:
    return session.scalar(select(XapiStatement.bridge_note).where(XapiStatement.statement_id == statement_id))


def test_completed_by_mbox_records_a_completion_with_the_scaled_score(
    lrs: Lrs, session: Session, alice: Employee, course: Course
) -> None:
    s = report(COMPLETED, course, {"mbox": f"mailto:{alice.email}"}, result={"score": {"scaled": 0.87}})
    assert lrs.post(s).status_code == 200
    [completion] = completions(session, alice, course)
    assert completion.source == "xapi"
    assert completion.source_ref == s["id"]
    assert completion.score == 87
    assert completion.completed_at == DAY
    assert note(session, s["id"]) == "recorded"


def test_passed_by_account_uses_the_employee_number_and_raw_score(
    lrs: Lrs, session: Session, alice: Employee, course: Course
) -> None:
    actor = {"account": {"homePage": "https://lms.pathways.example", "name": alice.employee_number}}
    s = report(PASSED, course, actor, result={"score": {"raw": 92, "min": 0, "max": 100}})
    lrs.post(s)
    [completion] = completions(session, alice, course)
    assert completion.score == 92


def test_the_same_statement_twice_gives_one_completion(
    lrs: Lrs, session: Session, alice: Employee, course: Course
) -> None:
    s = report(COMPLETED, course, {"mbox": f"mailto:{alice.email}"})
    lrs.post(s)
    lrs.post(s)
    lrs.put(s["id"], s)
    again = report(COMPLETED, course, {"mbox": f"mailto:{alice.email}"})  # another report of the same day
    lrs.post(again)
    assert len(completions(session, alice, course)) == 1
    assert note(session, again["id"]) == "already recorded by an earlier report"


def test_voiding_withdraws_the_completion(
    lrs: Lrs, session: Session, alice: Employee, course: Course
) -> None:
    s = report(COMPLETED, course, {"mbox": f"mailto:{alice.email}"})
    lrs.post(s)
    assert len(completions(session, alice, course)) == 1
    lrs.post(statement(VOIDED, object={"objectType": "StatementRef", "id": s["id"]}))
    assert completions(session, alice, course) == []
    assert "withdrawn" in (note(session, s["id"]) or "")


def test_unknown_people_and_courses_are_stored_but_record_nothing(
    lrs: Lrs, session: Session, alice: Employee, course: Course
) -> None:
    stranger = report(COMPLETED, course, {"mbox": "mailto:stranger@elsewhere.example"})
    unknown_course = statement(COMPLETED, "https://lms.pathways.example/activities/NOPE-999")
    unknown_course["actor"] = {"mbox": f"mailto:{alice.email}"}
    assert lrs.post([stranger, unknown_course]).status_code == 200
    assert completions(session, alice, course) == []
    assert note(session, stranger["id"]) == "not matched: no employee with email stranger@elsewhere.example"
    assert "no course with LMS id" in (note(session, unknown_course["id"]) or "")
    assert lrs.get({"statementId": stranger["id"]}).status_code == 200


def test_other_verbs_are_not_completions(lrs: Lrs, session: Session, alice: Employee, course: Course) -> None:
    s = report("http://adlnet.gov/expapi/verbs/attempted", course, {"mbox": f"mailto:{alice.email}"})
    lrs.post(s)
    assert completions(session, alice, course) == []
    assert note(session, s["id"]) is None


def test_one_batch_records_each_employee_course_and_day_once(
    lrs: Lrs, session: Session, alice: Employee, course: Course
) -> None:
    by_mbox = report(COMPLETED, course, {"mbox": f"mailto:{alice.email}"})
    actor = {"account": {"homePage": "https://lms.pathways.example", "name": alice.employee_number}}
    same_day = report(PASSED, course, actor)
    stranger = report(COMPLETED, course, {"mbox": "mailto:stranger@elsewhere.example"})
    assert lrs.post([by_mbox, same_day, stranger]).status_code == 200
    [completion] = completions(session, alice, course)
    assert completion.source_ref == by_mbox["id"]
    assert note(session, by_mbox["id"]) == "recorded"
    assert note(session, same_day["id"]) == "already recorded by an earlier report"
    assert note(session, stranger["id"]) == "not matched: no employee with email stranger@elsewhere.example"


def test_a_batchs_query_count_does_not_grow_with_its_completions(
    lrs: Lrs, session: Session, course: Course, settings: Settings
) -> None:
    people = list(session.scalars(select(Employee).order_by(Employee.id).limit(40)))
    assert len(people) == 40
    # Completions earn badges in the same transaction; the very first badge makes the organisation's signing
    # key, which is no cost of a batch.
    badge_keys.signing_key(session, settings.secret_key)

    def batch(group: list[Employee]) -> list[dict[str, Any]]:
        return [report(COMPLETED, course, {"mbox": f"mailto:{person.email}"}) for person in group]

    assert lrs.get({"limit": "1"}).status_code == 200  # the credentials are checked once, then cached
    counts = []
    # The statements are built before counting starts: reading the people is the test's query, not the LRS's.
    for statements in (batch(people[:2]), batch(people[2:40])):
        with counting_statements(session) as seen:
            assert lrs.post(statements).status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]
    assert len(session.scalars(select(Completion).where(Completion.course_id == course.id)).all()) >= 40
    # ...and each of the 40 people now holds the course's badge.
    held = session.scalars(
        select(Badge.employee_id).where(Badge.achievement_key.startswith(f"course:{course.code}"))
    )
    assert set(held) >= {person.id for person in people}


def badge_of(session: Session, employee: Employee, key: str) -> Badge:
    session.expire_all()
    badge = session.scalar(
        select(Badge).where(Badge.employee_id == employee.id, Badge.achievement_key == key)
    )
    assert badge is not None, f"no badge {key}"
    return badge


def verified(lrs: Lrs, badge: Badge) -> str:
    """The outcome the public verify endpoint gives, signed out, as anyone checking the badge would see it."""
    answer = lrs.client.get(f"/api/v1/badges/verify?id={badge.uuid}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["outcome"])


@pytest.fixture
def once_course(session: Session, alice: Employee) -> Course:
    # A course done once (not renewed): it earns one badge, course:CODE.
    done = select(Completion.course_id).where(Completion.employee_id == alice.id)
    found = session.scalar(
        select(Course)
        .where(Course.id.not_in(done), Course.valid_for_months.is_(None), Course.lms_id.is_not(None))
        .order_by(Course.code)
        .limit(1)
    )
    assert found is not None
    return found


def test_voiding_revokes_the_badge_the_completion_earned(
    lrs: Lrs, session: Session, alice: Employee, once_course: Course
) -> None:
    s = report(COMPLETED, once_course, {"mbox": f"mailto:{alice.email}"})
    assert lrs.post(s).status_code == 200
    badge = badge_of(session, alice, f"course:{once_course.code}")
    assert verified(lrs, badge) == "valid"

    assert (
        lrs.post(statement(VOIDED, object={"objectType": "StatementRef", "id": s["id"]})).status_code == 200
    )
    assert verified(lrs, badge_of(session, alice, f"course:{once_course.code}")) == "revoked"
    assert "voided" in badge_of(session, alice, f"course:{once_course.code}").revoked_reason


def test_voiding_keeps_the_badge_while_another_completion_of_the_course_stands(
    lrs: Lrs, session: Session, alice: Employee, once_course: Course
) -> None:
    s = report(COMPLETED, once_course, {"mbox": f"mailto:{alice.email}"})
    assert lrs.post(s).status_code == 200
    session.add(
        Completion(
            employee_id=alice.id,
            course_id=once_course.id,
            completed_at=DAY - dt.timedelta(days=30),
            score=None,
            source="manual",
        )
    )
    session.flush()
    assert (
        lrs.post(statement(VOIDED, object={"objectType": "StatementRef", "id": s["id"]})).status_code == 200
    )
    assert len(completions(session, alice, once_course)) == 1
    assert verified(lrs, badge_of(session, alice, f"course:{once_course.code}")) == "valid"


def test_voiding_a_renewed_course_revokes_that_completions_badge(
    lrs: Lrs, session: Session, alice: Employee
) -> None:
    renewed = session.scalar(
        select(Course)
        .where(Course.valid_for_months.is_not(None), Course.lms_id.is_not(None))
        .order_by(Course.code)
        .limit(1)
    )
    assert renewed is not None
    s = report(COMPLETED, renewed, {"mbox": f"mailto:{alice.email}"})
    assert lrs.post(s).status_code == 200
    key = f"course:{renewed.code}:{DAY.isoformat()}"
    assert verified(lrs, badge_of(session, alice, key)) == "valid"
    assert (
        lrs.post(statement(VOIDED, object={"objectType": "StatementRef", "id": s["id"]})).status_code == 200
    )
    assert verified(lrs, badge_of(session, alice, key)) == "revoked"
