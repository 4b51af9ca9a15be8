"""The planner, the tracker and bench strength read one rule for current levels and one for expiry.

Levels: the latest manager rating wins over course evidence (competencies.evidence), so a course completed
before a lower rating does not make the planner call someone ready. Expiry: a completion past the course's
validity still evidences the competency, but a role that requires the course needs it retaken.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from pathways.careers.models import Role, RoleCompetency
from pathways.competencies import evidence
from pathways.competencies.evidence import Completed
from pathways.competencies.models import Competency, CompetencyRating
from pathways.learning.completions import record_completion
from pathways.learning.models import Course, CourseStart, course_prerequisites
from pathways.learning.requirements import add_months
from pathways.org.models import Employee
from pathways.plans import service as plans_service
from pathways.teams import readiness
from pathways.trackers import service as trackers
from pathways.trackers import views
from tests.helpers import page_csrf, sign_in

TODAY = dt.date.today()  # the tracker page reads expiry as of today
YEAR_AND_A_MONTH_AGO = TODAY - dt.timedelta(days=400)


def alice(session: Session) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == "psr_alice@pathways.example"))
    assert found is not None
    return found


def new_course(
    session: Session, code: str, hours: int, level: int, *builds: Competency, **kw: object
) -> Course:
    course = Course(
        code=code, title=f"Course {code}", summary="", modality="e-learning", hours=Decimal(hours),
        level=level, lms_id=code.lower(), **kw,
    )  # fmt: skip
    course.competencies = list(builds)
    session.add(course)
    session.flush()
    return course


@pytest.fixture
def focus(session: Session) -> Competency:
    """A competency PSR II needs at level 3, built to 3 by a short course and a long one."""
    competency = Competency(code="zz-focus", name="Focus", kind="technical", definition="Test competency.")
    session.add(competency)
    session.flush()
    role = session.scalars(select(Role).where(Role.code == "psr-2")).one()
    session.add(RoleCompetency(role_id=role.id, competency_id=competency.id, level=3, position=99))
    new_course(session, "ZZ-301", 1, 3, competency)
    new_course(session, "ZZ-310", 4, 3, competency)
    session.flush()
    return competency


def complete(session: Session, employee: Employee, code: str, on: dt.date) -> None:
    course_id = session.scalar(select(Course.id).where(Course.code == code))
    assert course_id is not None
    record_completion(
        session, employee_id=employee.id, course_id=course_id, completed_at=on, score=None, source="manual"
    )


def rate(session: Session, employee: Employee, competency: Competency, level: int) -> None:
    session.add(
        CompetencyRating(employee_id=employee.id, competency_id=competency.id, kind="manager", level=level)
    )
    session.flush()


def test_a_completed_course_does_not_overrule_a_lower_manager_rating(
    session: Session, focus: Competency
) -> None:
    person = alice(session)
    complete(session, person, "ZZ-301", TODAY - dt.timedelta(days=90))
    rate(session, person, focus, 1)

    plan = plans_service.optimize(session, person, ["psr-2"], Decimal(3), [], TODAY)
    codes = [c.code for c in plan.courses]
    assert "ZZ-310" in codes and "ZZ-301" not in codes, "the gap of 2 is planned, not called met"
    zz = next(c for c in plan.courses if c.code == "ZZ-310")
    assert "raises Focus from Learning to Proficient, required for PSR II" in zz.reasons

    tracker, _ = trackers.start_tracker(session, person, "psr-2", None)
    gap = next(c for c in views.build(session, tracker).analysis.competencies if c.code == "zz-focus")
    assert (gap.current, gap.basis, gap.gap) == (1, "manager rating", 2), "the tracker and planner agree"

    # Bench strength reads the same levels and agrees.
    catalog, _ = readiness.catalog(session)
    target = plans_service.targets(session, ["psr-2"])[0]
    levels = {code: c.level for code, c in evidence.levels_for(session, person.id).items()}
    valid, expired = evidence.completion_status(session, person.id, TODAY)
    done = Completed(valid=valid, expired=expired)
    exact = readiness.exact(catalog, target, levels, done, TODAY)
    assert "ZZ-310" in exact.courses and exact.ready_on == plan.courses_ready_date
    estimate = readiness.GapEstimator(catalog, TODAY).estimate(target, levels, done)
    assert "ZZ-310" in estimate.courses


def test_without_a_rating_the_completed_course_evidences_the_level(
    session: Session, focus: Competency
) -> None:
    person = alice(session)
    complete(session, person, "ZZ-301", dt.date(2026, 6, 1))
    plan = plans_service.optimize(session, person, ["psr-2"], Decimal(3), [], TODAY)
    assert not {"ZZ-301", "ZZ-310"} & {c.code for c in plan.courses}


def test_an_expired_required_course_is_planned_again_and_its_evidence_stays(
    session: Session, focus: Competency
) -> None:
    person = alice(session)
    renewable = new_course(session, "ZZ-CERT", 2, 3, focus, valid_for_months=12)
    role = session.scalars(select(Role).where(Role.code == "psr-2")).one()
    session.refresh(role, ["required_courses"])
    role.required_courses.append(renewable)
    complete(session, person, "ZZ-CERT", YEAR_AND_A_MONTH_AGO)  # valid for 12 months: expired a month ago
    session.flush()

    assert evidence.completion_status(session, person.id, TODAY) == (
        evidence.completed_courses(session, person.id, TODAY),
        {"ZZ-CERT"},
    )
    valid_until = add_months(YEAR_AND_A_MONTH_AGO, 12)
    assert "ZZ-CERT" in evidence.completed_courses(session, person.id, valid_until - dt.timedelta(days=1))
    assert "ZZ-CERT" not in evidence.completed_courses(session, person.id, valid_until)

    plan = plans_service.optimize(session, person, ["psr-2"], Decimal(3), [], TODAY)
    cert = next(c for c in plan.courses if c.code == "ZZ-CERT")
    assert cert.reasons == ["required for PSR II; the earlier completion has expired"]
    # The knowledge was shown: zz-focus stays at 3, so no other course is planned for it.
    assert "ZZ-301" not in {c.code for c in plan.courses} and "ZZ-310" not in {c.code for c in plan.courses}
    assert evidence.levels_for(session, person.id)["zz-focus"].level == 3

    tracker, _ = trackers.start_tracker(session, person, "psr-2", None)
    required = next(c for c in views.build(session, tracker).analysis.required_courses if c.code == "ZZ-CERT")
    assert not required.completed, "the tracker shows the requirement unmet until the course is retaken"

    complete(session, person, "ZZ-CERT", TODAY - dt.timedelta(days=10))
    again = plans_service.optimize(session, person, ["psr-2"], Decimal(3), [], TODAY)
    assert "ZZ-CERT" not in {c.code for c in again.courses}


def started(session: Session, person: Employee, code: str, on: dt.date) -> None:
    course_id = session.scalar(select(Course.id).where(Course.code == code))
    session.add(CourseStart(employee_id=person.id, course_id=course_id, started_on=on, source="manual"))
    session.flush()


def test_courses_marked_started_are_in_progress_by_default(
    client: TestClient, session: Session, focus: Competency
) -> None:
    person = alice(session)
    started(session, person, "ZZ-310", TODAY - dt.timedelta(days=3))
    session.commit()
    assert plans_service.started(session, person) == ["ZZ-310"]

    sign_in(client, "psr_alice")
    headers = {"X-CSRF-Token": page_csrf(client)}
    body = client.post("/api/v1/plans/optimize", json={"roles": ["psr-2"]}, headers=headers).json()
    assert body["courses"][0]["code"] == "ZZ-310" and body["courses"][0]["in_progress"] is True
    # The caller can still say otherwise: [] plans as if nothing were started.
    none = client.post(
        "/api/v1/plans/optimize", json={"roles": ["psr-2"], "in_progress": []}, headers=headers
    )
    assert "ZZ-310" not in {c["code"] for c in none.json()["courses"]}

    page = client.get("/plans?role=psr-2")
    assert 'value="ZZ-310"' in page.text, "the what-if starts from the learning plan, shown to be changed"
    assert "ZZ-310" in page.text.split("<tbody>")[1].split("</tr>")[0]
    # The form says it was sent: its emptied box arrives as no `started` at all, like every empty value.
    assert '<input type="hidden" name="sent" value="1">' in page.text
    cleared = client.get("/plans?role=psr-2&started=&sent=1")
    assert "ZZ-310" not in cleared.text.split("<tbody>")[1]


def test_a_start_before_the_latest_completion_is_not_in_progress(session: Session, focus: Competency) -> None:
    person = alice(session)
    started(session, person, "ZZ-301", dt.date(2026, 5, 1))
    complete(session, person, "ZZ-301", dt.date(2026, 6, 1))
    assert "ZZ-301" not in evidence.started_courses(session, person.id)


def test_the_plan_command_names_required_courses_that_cannot_be_taken(
    session: Session, focus: Competency, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathways import cli

    person = alice(session)
    first = new_course(session, "ZZ-LOOP-1", 1, 1, focus)
    second = new_course(session, "ZZ-LOOP-2", 1, 1, focus)
    session.execute(
        course_prerequisites.insert(),
        [
            {"course_id": first.id, "prerequisite_id": second.id},
            {"course_id": second.id, "prerequisite_id": first.id},
        ],
    )
    role = session.scalars(select(Role).where(Role.code == "psr-2")).one()
    session.refresh(role, ["required_courses"])
    role.required_courses.append(first)
    session.flush()

    class Database:
        @contextmanager
        def transaction(self) -> Iterator[Session]:
            yield session

    monkeypatch.setattr(cli, "database", Database)
    result = CliRunner().invoke(cli.app, ["plan", "--employee", person.email, "--role", "psr-2"])
    assert result.exit_code == 0, result.output
    assert "! PSR II requires course ZZ-LOOP-1, which cannot be planned: its prerequisites form a cycle" in (
        result.output
    )
    assert "Not reachable by courses alone" in result.output
