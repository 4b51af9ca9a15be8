"""Readiness honours the lattice's time in role and the target's certifications, on the planner page, the
tracker and bench strength alike, and says which limit sets the date."""

import datetime as dt

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.planning import time_in_role
from pathways.planning.time_in_role import add_months, lattice_months
from pathways.teams import bench
from tests.certifications.support import employee, hold_verified
from tests.helpers import page_csrf, sign_in

TODAY = dt.date.today()
LATTICE = {("psr-1", "psr-2"): 12, ("psr-2", "lead"): 18, ("psr-2", "float"): 18, ("float", "lead"): 12}


def test_the_lattice_adds_the_usual_months_along_the_shortest_way() -> None:
    assert lattice_months(LATTICE, "psr-1", "lead") == 30  # 12 + 18, not 12 + 18 + 12 through float
    assert lattice_months(LATTICE, "psr-2", "float") == 18
    assert lattice_months(LATTICE, "lead", "lead") == 0
    assert lattice_months(LATTICE, "lead", "psr-1") is None  # no way back down: the lattice sets no limit


def test_the_later_limit_binds_and_is_named() -> None:
    since = dt.date(2026, 1, 31)
    courses = dt.date(2026, 5, 1)
    held_back = time_in_role.readiness(
        courses, edges=LATTICE, current_role="psr-1", role_since=since, targets=["lead"]
    )
    assert held_back.on == add_months(since, 30) == dt.date(2028, 7, 31)
    assert held_back.binds == time_in_role.TIME_IN_ROLE and held_back.courses_on == courses
    assert "30 months" in held_back.explanation and "31 July 2028" in held_back.explanation

    long_served = time_in_role.readiness(
        courses, edges=LATTICE, current_role="psr-2", role_since=dt.date(2020, 1, 1), targets=["lead"]
    )
    assert (long_served.on, long_served.binds) == (courses, time_in_role.COURSES)

    no_courses = time_in_role.readiness(
        None, edges=LATTICE, current_role="psr-1", role_since=since, targets=["lead"]
    )
    assert no_courses.on is None and no_courses.explanation == "Courses alone cannot close every gap."

    uncertified = time_in_role.readiness(
        courses,
        edges=LATTICE,
        current_role="psr-1",
        role_since=since,
        targets=["lead", "psr-2"],
        missing_certifications=["BLS"],
    )
    assert uncertified.on is None and uncertified.binds == time_in_role.CERTIFICATION
    assert uncertified.otherwise_on == dt.date(2028, 7, 31)  # the longest of the targets' ways
    assert "BLS" in uncertified.explanation and "31 July 2028" in uncertified.explanation


def plan(client: TestClient, role: str) -> dict:
    response = client.post(
        "/api/v1/plans/optimize", json={"roles": [role]}, headers={"X-CSRF-Token": page_csrf(client)}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_psr_one_is_not_ready_for_site_lead_before_the_lattice_allows(
    client: TestClient, session: Session
) -> None:
    alice = employee(session, "psr_alice")  # PSR I for about 14 months
    for kind in ("bls-cpr", "phlebotomy-technician"):
        hold_verified(session, "psr_alice", kind)
    sign_in(client, "psr_alice")

    lead = plan(client, "psr-2-site-lead")
    allowed = add_months(alice.role_since, 30)  # PSR I 12 months, then PSR II 18
    assert lead["lattice_months"] == 30 and lead["time_in_role_ready_date"] == allowed.isoformat()
    assert lead["courses_ready_date"] < lead["time_in_role_ready_date"], "the courses alone finish sooner"
    assert lead["readiness_binds"] == "time in role" and lead["readiness_date"] == allowed.isoformat()
    page = client.get("/plans", params={"role": "psr-2-site-lead"}).text
    assert f"could be ready by\n  <strong>{allowed:%-d %B %Y}</strong>" in page
    assert "Time in role sets this date" in page

    # PSR II is one move away and her 12 months have passed: the courses set the date.
    second = plan(client, "psr-2")
    assert second["readiness_binds"] == "courses"
    assert second["readiness_date"] == second["courses_ready_date"]


def test_bench_strength_uses_the_same_rule(session: Session) -> None:
    tina = employee(session, "trainer_tina")  # PSR II, a Site Lead candidate
    for kind in ("bls-cpr", "phlebotomy-technician"):
        hold_verified(session, "trainer_tina", kind)

    def candidate() -> bench.Candidate:
        result = bench.build_bench(
            session, [tina.id], TODAY, role="psr-2-site-lead", region=None, method="exact"
        )
        return next(c for c in result.roles[0].candidates if c.employee_id == tina.id)

    served = candidate()
    assert served.ready_on is not None and served.ready_on < add_months(TODAY, 18)
    tina.role_since = TODAY - dt.timedelta(days=31)  # promoted last month: 18 months as PSR II to go
    session.flush()
    assert candidate().ready_on == add_months(tina.role_since, 18)
