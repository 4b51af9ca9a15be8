"""Team analytics aggregated in SQL give exactly the figures of the plain definition (analytics_reference),
and cost the same number of statements for a supervisor's few reports as for the whole organisation."""

import datetime as dt
import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.permissions import analytics_employee_ids
from pathways.careers.models import PathEdge, Role, role_required_courses
from pathways.competencies.models import Competency, CompetencyRating, EvidenceRecord, Observation
from pathways.learning.models import Assignment, Completion, Course
from pathways.org.models import Employee
from pathways.teams import analytics
from pathways.trackers.models import CareerTracker
from tests.helpers import counting_statements, sign_in
from tests.teams import analytics_reference as reference
from tests.teams.support import TODAY, hire, person, user


def _varied_facts(session: Session) -> None:
    """Every kind of fact the figures read, with the awkward cases: ratings tied on time, self ratings above
    manager ones, renewed courses completed before and after their expiry, open, waived and cancelled
    assignments on role courses and others, several trackers per person."""
    rng = random.Random(18)
    hire(session, person(session, "sup_carl"), 30, prefix="sql")
    people = session.execute(select(Employee.id, Employee.role_id)).all()
    competencies = list(session.scalars(select(Competency.id)))
    courses = list(session.scalars(select(Course).order_by(Course.id)))
    courses[0].valid_for_months, courses[1].valid_for_months, courses[2].valid_for_months = 12, 1, 24
    by_id = {c.id: c for c in courses}
    renewed = {c.id for c in courses[:3]}
    required = {}
    for role, course in session.execute(
        select(role_required_courses.c.role_id, role_required_courses.c.course_id)
    ):
        required.setdefault(role, []).append(course)
    moves = {}
    for from_id, to_id in session.execute(select(PathEdge.from_role_id, PathEdge.to_role_id)):
        moves.setdefault(from_id, []).append(to_id)
    roles = list(session.scalars(select(Role.id)))
    tracked = {(e, r) for e, r in session.execute(select(CareerTracker.employee_id, CareerTracker.role_id))}
    when = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    seen = {
        (e, c, on)
        for e, c, on in session.execute(
            select(Completion.employee_id, Completion.course_id, Completion.completed_at)
        )
    }
    for employee_id, role_id in people:
        for competency_id in rng.sample(competencies, 3):
            for n in range(rng.randint(1, 3)):
                session.add(
                    CompetencyRating(
                        employee_id=employee_id,
                        competency_id=competency_id,
                        kind=rng.choice(["manager", "self"]),
                        level=rng.randint(0, 4),
                        rated_at=when + dt.timedelta(days=rng.choice([0, 0, n])),
                    )
                )
        for competency_id in rng.sample(competencies, 2):
            session.add(
                Observation(
                    employee_id=employee_id,
                    competency_id=competency_id,
                    level=rng.randint(1, 4),
                    note="seen",
                    observed_on=TODAY,
                )
            )
        if rng.random() < 0.5:
            session.add(
                EvidenceRecord(
                    employee_id=employee_id,
                    competency_id=rng.choice(competencies),
                    level=rng.randint(1, 4),
                    source="import",
                    detail="x",
                    recorded_on=TODAY,
                )
            )
        mine = courses[:3] + [by_id[c] for c in required.get(role_id, []) if c not in renewed]
        for course in rng.sample(mine, min(3, len(mine))):
            for _ in range(rng.randint(0, 2)):
                on = TODAY - dt.timedelta(days=rng.randint(0, 800))
                if (employee_id, course.id, on) not in seen:
                    seen.add((employee_id, course.id, on))
                    session.add(
                        Completion(
                            employee_id=employee_id, course_id=course.id, completed_at=on, source="manual"
                        )
                    )
        for course in rng.sample(mine, min(2, len(mine))):
            session.add(
                Assignment(
                    employee_id=employee_id,
                    course_id=course.id,
                    state=rng.choice(["open", "open", "waived", "cancelled"]),
                    due_on=TODAY - dt.timedelta(days=rng.randint(-60, 300)),
                    reason="test",
                )
            )
        for target in rng.sample(moves.get(role_id, roles), min(2, len(moves.get(role_id, roles)))):
            if rng.random() < 0.6 and (employee_id, target) not in tracked:
                session.add(CareerTracker(employee_id=employee_id, role_id=target))
    session.flush()


@pytest.fixture
def varied(session: Session) -> Session:
    _varied_facts(session)
    return session


def test_sql_figures_equal_the_plain_definition(varied: Session) -> None:
    session = varied
    for who in ("admin_ada", "sup_carl"):
        scope = analytics_employee_ids(session, user(session, who))
        for group in analytics.GROUPS:
            got = analytics.build(session, scope, TODAY, group)
            want = reference.build(session, scope, TODAY, group)
            assert got.heat == want.heat, (who, group)
            assert got.readiness == want.readiness, (who, group)
            assert (got.people, got.trackers) == (want.people, want.trackers), (who, group)
            assert got.compliance == want.compliance, (who, group)
    # The figures are not all trivially zero: the data set exercises what they count.
    everyone = analytics.build(
        session, analytics_employee_ids(session, user(session, "admin_ada")), TODAY, "role"
    )
    assert any(m.done for m in everyone.compliance) and any(m.due > m.done for m in everyone.compliance)
    assert sum(n for _, n in everyone.readiness) == everyone.trackers > 10
    assert any(g for row in everyone.heat.rows for g in row.gaps)


def test_sql_compliance_equals_the_plain_definition_on_any_day(varied: Session) -> None:
    session = varied
    ids = list(session.scalars(select(Employee.id)))
    for day in (TODAY, dt.date(2027, 3, 31), dt.date(2026, 2, 28), dt.date(2028, 2, 29)):
        assert analytics.compliance(session, ids, day) == reference.compliance(session, ids, day), day


def test_analytics_statements_do_not_grow_with_the_scope(session: Session, client: TestClient) -> None:
    sign_in(client, "sup_carl")
    assert client.get("/team/analytics").status_code == 200  # warm: first-use lookups out of the count
    with counting_statements(session) as few:
        assert client.get("/team/analytics").status_code == 200
    hire(session, person(session, "sup_carl"), 80, prefix="many")
    with counting_statements(session) as many:
        page = client.get("/team/analytics")
    assert page.status_code == 200 and "80" in page.text
    assert len(many) == len(few), (len(few), len(many))
    client.cookies.clear()
    sign_in(client, "admin_ada")
    client.get("/team/analytics")
    with counting_statements(session) as everyone:
        assert client.get("/team/analytics?group=role").status_code == 200
    assert len(everyone) <= len(few) + 2, [s[:80] for s in everyone]
