"""Bench strength: candidates, readiness by the planner (or the gap estimate), per region and site."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.permissions import analytics_employee_ids
from pathways.competencies.evidence import Completed, completed_for_many
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee
from pathways.plans import service as plans_service
from pathways.teams import bench, readiness
from pathways.trackers import service as trackers
from tests.helpers import counting_statements, sign_in
from tests.teams.support import TODAY, hire, person, user


def _bench(
    session: Session, who: str = "sup_carl", method: str = "auto", role: str | None = None
) -> bench.Bench:
    scope = analytics_employee_ids(session, user(session, who))
    return bench.build_bench(session, scope, TODAY, role=role, region=None, method=method)


def test_the_fast_catalogue_is_the_planners_catalogue(session: Session) -> None:
    mine, _code_of = readiness.catalog(session)
    theirs, _rows = plans_service.catalog(session)
    assert mine == theirs


def test_exact_readiness_is_the_planners_readiness_date(session: Session) -> None:
    result = _bench(session, method="exact", role="psr-2-site-lead")
    [role] = result.roles
    assert result.method == "exact" and role.candidates
    for candidate in role.candidates[:4]:
        employee = session.get(Employee, candidate.employee_id)
        assert employee is not None
        planned = plans_service.optimize(session, employee, ["psr-2-site-lead"], Decimal(3), [], TODAY)
        # The courses' date, unless a required certification has no verified certificate
        # (tests/certifications).
        expected = None if candidate.missing_certifications else planned.readiness_date
        assert candidate.ready_on == expected, candidate.name
        assert candidate.hours == pytest.approx(planned.total_hours)


def test_the_estimate_is_close_to_the_planner_and_never_earlier_than_its_lower_bound(
    session: Session,
) -> None:
    exact = {(r.code, c.employee_id): c for r in _bench(session, method="exact").roles for c in r.candidates}
    estimate = {
        (r.code, c.employee_id): c for r in _bench(session, method="estimate").roles for c in r.candidates
    }
    assert exact.keys() == estimate.keys()
    for key, planned in exact.items():
        guessed = estimate[key]
        # The exact plan is the shortest there is: an estimate can only need as much or more.
        assert guessed.hours >= planned.hours - 0.01, key
        assert (guessed.ready_on is None) == (planned.ready_on is None), key


def test_candidates_buckets_and_groups(session: Session) -> None:
    result = _bench(session)
    assert [r.code for r in result.roles] == list(bench.BENCH_ROLES)
    site_lead = result.roles[0]
    names = {c.name for c in site_lead.candidates}
    assert "Dan Kowalski" not in names  # another supervisor's report
    assert all(c.current_role != "PSR II Site Lead" for c in site_lead.candidates)
    assert sum(site_lead.counts.values()) == len(site_lead.candidates)
    assert sum(g.counts.total() for g in site_lead.regions) == len(site_lead.candidates)
    for c in site_lead.candidates:
        assert c.bucket == bench.bucket_of(c.ready_on, TODAY)


def test_a_tracker_makes_someone_a_candidate(session: Session) -> None:
    alice = person(session, "psr_alice")  # a PSR I: no lattice move straight to Float
    assert all(c.employee_id != alice.id for c in _bench(session, role="psr-2-float").roles[0].candidates)
    trackers.start_tracker(session, alice, "psr-2-float", user(session, "psr_alice"))
    [role] = _bench(session, role="psr-2-float").roles
    mine = next(c for c in role.candidates if c.employee_id == alice.id)
    assert mine.tracking and mine.typical_months is None


def test_buckets() -> None:
    assert bench.bucket_of(TODAY, TODAY) == "now"
    assert bench.bucket_of(TODAY + dt.timedelta(days=100), TODAY) == "soon"
    assert bench.bucket_of(TODAY + dt.timedelta(days=400), TODAY) == "later"
    assert bench.bucket_of(None, TODAY) == "later"


def test_method_is_automatic_and_the_query_count_does_not_grow(session: Session) -> None:
    with counting_statements(session) as small:
        few = _bench(session)
    hire(session, person(session, "sup_carl"), 40, role="psr-2")
    with counting_statements(session) as large:
        many = _bench(session)
    assert few.method == "exact" or sum(len(r.candidates) for r in few.roles) > bench.EXACT_AUTO_LIMIT
    assert many.method == "estimate" and "Estimated from gaps" in many.method_text
    assert len(large) == len(small), (len(small), len(large))


def test_completions_are_read_for_candidates_only(session: Session) -> None:
    _catalog, code_of = readiness.catalog(session)
    carl = person(session, "sup_carl")
    assert completed_for_many(session, [carl.id], code_of, TODAY).keys() <= {carl.id}


def test_bench_api_page_and_csv(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    body = client.get("/api/v1/bench?role=psr-2-site-lead&region=north-valley").json()
    assert body["method"] in ("exact", "estimate") and body["region"] == "north-valley"
    [role] = body["roles"]
    assert set(role["counts"]) == {"ready_now", "within_6_months", "later"}
    assert role["regions"][0]["code"] == "north-valley" and role["regions"][0]["sites"]
    page = client.get("/team/bench")
    assert page.status_code == 200 and "Method:" in page.text and "PSR II Float" in page.text
    assert client.get("/team/bench.csv").text.startswith("target_role,employee")
    assert client.get("/api/v1/bench?method=magic").status_code == 422
    assert client.get("/api/v1/bench?role=astronaut").status_code == 404
    assert client.get("/api/v1/bench?region=atlantis").status_code == 404
    assert client.get("/team/bench?method=magic").status_code == 422


def test_bench_is_for_supervisors_and_admins(client: TestClient, session: Session) -> None:
    for who in ("psr_alice", "lead_bea", "trainer_tina"):
        client.cookies.clear()
        sign_in(client, who)
        assert client.get("/api/v1/bench").status_code == 403, who
        assert client.get("/team/bench").status_code == 403, who
    client.cookies.clear()
    sign_in(client, "admin_ada")
    everyone = client.get("/api/v1/bench?role=psr-2-site-lead&method=estimate").json()
    regions = {r["code"] for r in everyone["roles"][0]["regions"]}
    assert regions == {"north-valley", "gulf-coast"}
    ids = {c["employee"]["id"] for c in everyone["roles"][0]["candidates"]}
    assert person(session, "outsider_dan").id in ids
    assert session.scalar(select(Employee.id).where(Employee.id.in_(ids))) is not None


def test_an_expired_required_course_is_taken_again_in_the_bench_estimate(session: Session) -> None:
    catalog, _code_of = readiness.catalog(session)
    target = plans_service.targets(session, ["psr-2"])[0]
    assert "PRIV-102" in target.required_courses
    estimator = readiness.GapEstimator(catalog, TODAY)
    levels = {code: 4 for code in target.competencies}  # no competency gap: only required courses count
    others = target.required_courses - {"PRIV-102"}
    fresh = estimator.estimate(target, levels, Completed(valid=set(others) | {"PRIV-102"}))
    lapsed = estimator.estimate(target, levels, Completed(valid=set(others), expired={"PRIV-102"}))
    assert fresh.courses == () and lapsed.courses == ("PRIV-102",)
    assert lapsed.ready_on is not None and fresh.ready_on is not None and lapsed.ready_on > fresh.ready_on


def test_completions_past_their_validity_are_read_as_expired(session: Session) -> None:
    _catalog, code_of = readiness.catalog(session)
    alice = person(session, "psr_alice")
    privacy = session.scalars(select(Course).where(Course.code == "PRIV-102")).one()
    assert privacy.valid_for_months == 12
    done = {"employee_id": alice.id, "course_id": privacy.id, "source": "manual"}
    session.add(Completion(**done, completed_at=TODAY - dt.timedelta(days=800)))
    session.flush()
    assert "PRIV-102" in completed_for_many(session, [alice.id], code_of, TODAY)[alice.id].expired
    session.add(Completion(**done, completed_at=TODAY - dt.timedelta(days=30)))
    session.flush()
    status = completed_for_many(session, [alice.id], code_of, TODAY)[alice.id]
    assert "PRIV-102" in status.valid and "PRIV-102" not in status.expired
