"""What the planner's suggestion says besides its courses, and warnings about prerequisites in the plan."""

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.careers.models import Role, RoleCompetency
from pathways.competencies.models import Competency
from pathways.learning.completions import record_completion
from pathways.learning.models import Course, CourseStart, course_prerequisites
from pathways.trackers import service, views
from pathways.trackers.models import CareerTracker
from tests.certifications.support import hold_verified
from tests.helpers import page_csrf, sign_in
from tests.trackers.support import employee, user


def new_course(session: Session, code: str, *, after: Course | None = None) -> Course:
    course = Course(
        code=code, title=f"Course {code}", summary="", modality="e-learning", hours=Decimal(1), level=1,
        lms_id=code.lower(),
    )  # fmt: skip
    session.add(course)
    session.flush()
    if after is not None:
        session.execute(course_prerequisites.insert().values(course_id=course.id, prerequisite_id=after.id))
    return course


def chain(session: Session) -> tuple[Course, Course]:
    basics = new_course(session, "ZZ-BASICS")
    return basics, new_course(session, "ZZ-ADVANCED", after=basics)


def warnings(session: Session, tracker: CareerTracker) -> list[str]:
    return views.build(session, service.get_tracker(session, tracker.id)).warnings


def test_a_course_planned_without_or_before_its_prerequisite_is_warned_about(
    session: Session, tracker: CareerTracker
) -> None:
    alice = user(session, "psr_alice")
    basics, _ = chain(session)
    service.plan_course(session, tracker, "ZZ-ADVANCED", "2027-Q2", alice)
    assert warnings(session, tracker) == [
        "ZZ-ADVANCED is planned for 2027-Q2 without its prerequisite ZZ-BASICS: "
        "ZZ-BASICS is neither completed nor in this plan."
    ]
    service.plan_course(session, tracker, "ZZ-BASICS", "2027-Q3", alice)
    assert warnings(session, tracker) == [
        "ZZ-ADVANCED is planned for 2027-Q2, before its prerequisite ZZ-BASICS (planned for 2027-Q3)."
    ]
    assert {i.course.code for i in tracker.courses} == {"ZZ-ADVANCED", "ZZ-BASICS"}, "nothing is refused"
    service.plan_course(session, tracker, "ZZ-BASICS", "2027-Q2", alice)
    assert warnings(session, tracker) == [], "the same quarter is fine: the prerequisite comes first in it"
    service.unplan_course(session, tracker, "ZZ-BASICS", alice)
    session.add(
        CourseStart(
            employee_id=tracker.employee_id, course_id=basics.id, started_on=dt.date.today(), source="manual"
        )
    )
    session.flush()
    assert warnings(session, tracker) == [], "a prerequisite already started is under way"


def test_a_completed_prerequisite_even_expired_meets_it(session: Session, tracker: CareerTracker) -> None:
    basics, _ = chain(session)
    basics.valid_for_months = 1
    record_completion(
        session,
        employee_id=tracker.employee_id,
        course_id=basics.id,
        completed_at=dt.date(2020, 1, 6),
        score=None,
        source="manual",
    )
    service.plan_course(session, tracker, "ZZ-ADVANCED", "2027-Q2", user(session, "psr_alice"))
    assert warnings(session, tracker) == []


def test_the_api_and_the_page_show_the_warnings(client: TestClient, session: Session) -> None:
    chain(session)
    sign_in(client, "psr_alice")
    headers = {"X-CSRF-Token": page_csrf(client)}
    tracker = client.post("/api/v1/me/trackers", json={"role": "psr-2"}, headers=headers).json()
    assert tracker["warnings"] == []
    body = {"plan": [{"course": "ZZ-ADVANCED", "quarter": "2027-Q1"}]}
    patched = client.patch(f"/api/v1/trackers/{tracker['id']}", json=body, headers=headers)
    assert patched.status_code == 200, patched.text
    expected = [
        "ZZ-ADVANCED is planned for 2027-Q1 without its prerequisite ZZ-BASICS: "
        "ZZ-BASICS is neither completed nor in this plan."
    ]
    assert patched.json()["warnings"] == expected
    assert [p["course"] for p in patched.json()["plan"]] == ["ZZ-ADVANCED"]
    assert client.get(f"/api/v1/trackers/{tracker['id']}").json()["warnings"] == expected
    page = client.get(f"/trackers/{tracker['id']}")
    assert "ZZ-ADVANCED is planned for 2027-Q1 without its prerequisite ZZ-BASICS" in page.text


def suggest(client: TestClient, tracker_id: int, hours: str = "3") -> str:
    response = client.post(
        f"/trackers/{tracker_id}/suggest",
        data={"csrf_token": page_csrf(client), "hours": hours},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(rf"/trackers/{tracker_id}\?done=suggested&hours=[\d.]+#suggestion", location), (
        location
    )
    return client.get(location).text


def test_the_page_shows_the_readiness_date_after_a_suggestion(
    client: TestClient, session: Session, tracker: CareerTracker
) -> None:
    hold_verified(session, "psr_alice", "bls-cpr")  # PSR II requires it: without it there is no date
    sign_in(client, "psr_alice")
    page = suggest(client, tracker.id, "4")
    assert "The planner&#39;s courses were placed into quarters." in page or "placed into quarters" in page
    assert "What the planner found" in page
    assert "At 4 hours a week, the suggested courses could make you ready by <strong>" in page
    assert "Proved to be the fewest course hours possible" in page
    assert "Gaps no course closes" not in page
    assert "What the planner found" not in client.get(f"/trackers/{tracker.id}").text


def test_gaps_and_required_courses_out_of_reach_are_named(
    client: TestClient, session: Session, tracker: CareerTracker
) -> None:
    competency = Competency(code="zz-juggling", name="Juggling", kind="technical", definition="Test.")
    session.add(competency)
    session.flush()
    role = session.scalars(select(Role).where(Role.code == "psr-2")).one()
    session.add(RoleCompetency(role_id=role.id, competency_id=competency.id, level=4, position=99))
    first, second = new_course(session, "ZZ-LOOP-1"), new_course(session, "ZZ-LOOP-2")
    session.execute(
        course_prerequisites.insert(),
        [
            {"course_id": first.id, "prerequisite_id": second.id},
            {"course_id": second.id, "prerequisite_id": first.id},
        ],
    )
    session.refresh(role, ["required_courses"])
    role.required_courses.append(first)
    session.flush()
    session.refresh(role, ["requirements"])  # the tracker fixture loaded the role before the change

    _, outcome = service.suggest_plan(session, tracker, Decimal(3), user(session, "psr_alice"))
    assert outcome.readiness_date is None
    assert outcome.unclosable_gaps == ["PSR II needs Juggling at Role model; no available course builds it"]
    assert outcome.missing_courses == [
        "PSR II requires course ZZ-LOOP-1, which cannot be planned: its prerequisites form a cycle"
    ]

    sign_in(client, "psr_alice")
    page = suggest(client, tracker.id)
    assert "Courses alone cannot make you ready for" in page
    assert "Gaps no course closes" in page and "PSR II needs Juggling at Role model" in page
    assert "psr-2" not in page.split("Gaps no course closes")[1].split("</section>")[0]
    assert "Required courses that cannot be taken" in page
    assert "PSR II requires course ZZ-LOOP-1, which cannot be planned: its prerequisites form a cycle" in page


def test_a_manager_sees_the_suggestion_outcome_by_name(
    client: TestClient, session: Session, tracker: CareerTracker
) -> None:
    sign_in(client, "sup_carl")
    page = client.get(f"/trackers/{tracker.id}?done=suggested&hours=3").text
    assert "Not ready until a verified certificate is on record: Basic Life Support (CPR)" in page
    hold_verified(session, "psr_alice", "bls-cpr")
    page = client.get(f"/trackers/{tracker.id}?done=suggested&hours=3").text
    assert f"could make {employee(session, 'psr_alice').name} ready by" in page
    assert client.get(f"/trackers/{tracker.id}?done=suggested&hours=lots").status_code == 400
