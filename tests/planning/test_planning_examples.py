import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from pathways.planning.greedy import greedy_plan
from pathways.planning.model import (
    Course,
    GapReason,
    InProgressReason,
    Learner,
    PrerequisiteReason,
    RequiredReason,
    Target,
)
from pathways.planning.optimizer import optimal_plan
from pathways.planning.planner import plan_for
from pathways.planning.problem import build_problem
from pathways.planning.schedule import schedule_courses

MONDAY = date(2025, 3, 3)


def course(code: str, hours: float, level: int, *competencies: str, after: tuple[str, ...] = ()) -> Course:
    return Course(code, hours, level, frozenset(competencies), after)


def test_prerequisite_joins_the_plan_with_its_reason() -> None:
    catalog = [
        course("PHLEB-101", 2, 1, "phlebotomy"),
        course("PHLEB-201", 3, 2, "phlebotomy", after=("PHLEB-101",)),
    ]
    plan = optimal_plan(catalog, Learner(), [Target("PSR2", {"phlebotomy": 2})])
    assert plan.codes == ("PHLEB-101", "PHLEB-201")
    assert plan.total_hours == Decimal("5.00")
    first, second = plan.courses
    assert PrerequisiteReason("PHLEB-201") in first.reasons
    assert GapReason("phlebotomy", 0, 2, ("PSR2",)) in second.reasons
    assert first.targets == {"PSR2"}
    assert plan.proved_optimal and plan.bound_minutes == plan.total_minutes


def test_completed_courses_are_never_planned_again_and_count_as_evidence() -> None:
    catalog = [
        course("PHLEB-101", 2, 1, "phlebotomy"),
        course("PHLEB-201", 3, 2, "phlebotomy", after=("PHLEB-101",)),
        course("EHR-301", 1, 3, "ehr"),
    ]
    # The levels are the shared rule's (competencies.evidence): EHR-301 evidences ehr at 3, PHLEB-101
    # phlebotomy at 1, and no manager rating says otherwise.
    learner = Learner(completed=frozenset({"PHLEB-101", "EHR-301"}), levels={"phlebotomy": 1, "ehr": 3})
    plan = optimal_plan(catalog, learner, [Target("PSR2", {"phlebotomy": 2, "ehr": 3})])
    # PHLEB-101 is done, so only its dependent remains.
    assert plan.codes == ("PHLEB-201",)
    assert not plan.unclosable


def test_a_past_completion_does_not_overrule_a_lower_manager_rating() -> None:
    # The review's case: rated 1 by the manager after completing a level-3 course; the role needs 3.
    catalog = [course("EHR-301", 1, 3, "ehr"), course("EHR-310", 4, 3, "ehr")]
    learner = Learner(completed=frozenset({"EHR-301"}), levels={"ehr": 1})
    result = plan_for(catalog, learner, [Target("PSR2", {"ehr": 3})], start=MONDAY)
    assert result.plan.codes == ("EHR-310",), "the gap of 2 stays open until a new course closes it"
    assert GapReason("ehr", 1, 3, ("PSR2",)) in result.plan.courses[0].reasons
    # With no other course the gap cannot be closed by courses: said, never "ready today".
    alone = plan_for(catalog[:1], learner, [Target("PSR2", {"ehr": 3})], start=MONDAY)
    assert alone.plan.codes == () and alone.readiness_date is None
    assert [(g.competency, g.current_level, g.required_level) for g in alone.plan.unclosable] == [
        ("ehr", 1, 3)
    ]


def test_an_expired_required_course_is_planned_again_but_still_meets_prerequisites() -> None:
    catalog = [
        course("PRIVACY", 1, 1, "privacy"),
        course("PRIVACY-2", 2, 2, "privacy", after=("PRIVACY",)),
        course("CPR", 1, 2, "safety"),
    ]
    # PRIVACY and CPR were completed but have expired; their evidence stays in the levels.
    learner = Learner(levels={"privacy": 1, "safety": 2}, expired=frozenset({"PRIVACY", "CPR"}))
    target = Target("SITE-LEAD", {"privacy": 2, "safety": 2}, frozenset({"CPR"}))
    plan = optimal_plan(catalog, learner, [target])
    # CPR is required, so it is retaken; PRIVACY is not, and still counts as PRIVACY-2's prerequisite.
    assert set(plan.codes) == {"CPR", "PRIVACY-2"}
    cpr = next(c for c in plan.courses if c.code == "CPR")
    assert cpr.reasons == (RequiredReason("SITE-LEAD", retake=True),)
    assert str(cpr.reasons[0]) == "required by role SITE-LEAD; the earlier completion has expired"
    # Valid again once retaken: nothing left to plan.
    renewed = Learner(completed=frozenset({"CPR", "PRIVACY-2"}), levels={"privacy": 2, "safety": 2})
    assert optimal_plan(catalog, renewed, [target]).codes == ()


def test_required_course_is_included_even_without_a_gap() -> None:
    catalog = [course("PRIVACY", 1, 1, "privacy"), course("LEAD-1", 2, 2, "coaching")]
    target = Target("SITE-LEAD", {"coaching": 2}, frozenset({"PRIVACY"}))
    plan = optimal_plan(catalog, Learner(levels={"privacy": 4}), [target])
    assert set(plan.codes) == {"PRIVACY", "LEAD-1"}
    privacy = next(c for c in plan.courses if c.code == "PRIVACY")
    assert privacy.reasons == (RequiredReason("SITE-LEAD"),)


def test_equal_hours_are_broken_by_fewest_courses() -> None:
    catalog = [
        course("LISTEN", 1, 2, "listening"),
        course("INFORM", 1, 2, "informing"),
        course("COMMS", 2, 2, "listening", "informing"),
    ]
    plan = optimal_plan(catalog, Learner(), [Target("PSR2", {"listening": 2, "informing": 2})])
    assert plan.codes == ("COMMS",)


def test_cheaper_pair_beats_one_longer_course() -> None:
    catalog = [
        course("LISTEN", 1, 2, "listening"),
        course("INFORM", 1, 2, "informing"),
        course("COMMS", 3, 2, "listening", "informing"),
    ]
    plan = optimal_plan(catalog, Learner(), [Target("PSR2", {"listening": 2, "informing": 2})])
    assert set(plan.codes) == {"LISTEN", "INFORM"}


def test_a_gap_no_course_can_close_is_named_and_the_rest_still_planned() -> None:
    catalog = [course("BILL-1", 2, 2, "billing"), course("COMPOSE", 1, 1, "composure")]
    target = Target("FLOAT", {"billing": 4, "composure": 1, "decision quality": 2})
    result = plan_for(catalog, Learner(levels={"billing": 1}), [target], start=MONDAY)
    gaps = {(g.competency, g.required_level, g.target, g.best_course_level) for g in result.plan.unclosable}
    assert gaps == {("billing", 4, "FLOAT", 2), ("decision quality", 2, "FLOAT", 0)}
    assert result.plan.codes == ("COMPOSE",)
    assert not result.plan.complete
    assert result.readiness_date is None
    assert result.schedule.finish_date == MONDAY + timedelta(weeks=1)
    assert "billing" in str(result.plan.unclosable[0])


def test_required_course_that_cannot_be_taken_is_reported() -> None:
    catalog = [
        course("A", 1, 1, "x", after=("B",)),
        course("B", 1, 1, "x", after=("A",)),
        course("C", 1, 1, "y", after=("GONE",)),
    ]
    target = Target("PSR2", {}, frozenset({"A", "C", "NOWHERE"}))
    plan = optimal_plan(catalog, Learner(), [target])
    assert plan.codes == ()
    assert {(m.code, m.why) for m in plan.missing} == {
        ("A", "its prerequisites form a cycle"),
        ("C", "its prerequisite GONE is not in the catalog"),
        ("NOWHERE", "it is not in the catalog"),
    }


def test_joint_plan_for_two_targets_shares_a_course() -> None:
    catalog = [
        course("CUST-3", 2, 3, "customer focus"),
        course("PHLEB-4", 4, 4, "phlebotomy"),
        course("COACH-2", 2, 2, "coaching"),
        course("CUST-2", 1, 2, "customer focus"),
    ]
    site_lead = Target("SITE-LEAD", {"customer focus": 2, "coaching": 2})
    float_ = Target("FLOAT", {"customer focus": 3, "phlebotomy": 4})
    plan = optimal_plan(catalog, Learner(levels={"customer focus": 1}), [site_lead, float_])
    assert set(plan.codes) == {"CUST-3", "PHLEB-4", "COACH-2"}
    assert [c.code for c in plan.shared] == ["CUST-3"]
    shared = plan.shared[0]
    assert shared.targets == {"SITE-LEAD", "FLOAT"}
    assert GapReason("customer focus", 1, 3, ("SITE-LEAD", "FLOAT")) in shared.reasons
    assert plan.total_minutes == 8 * 60


def test_schedule_honours_budget_and_prerequisites() -> None:
    catalog = [
        course("A", 2, 1, "x"),
        course("B", 5, 2, "x", after=("A",)),
        course("C", 1, 1, "y"),
        course("D", 0.5, 3, "y", after=("B", "C")),
    ]
    schedule = schedule_courses(catalog, start=MONDAY, hours_per_week=3)
    assert all(week.minutes <= 180 for week in schedule.weeks)
    at = {c.code: c for c in schedule.courses}
    for item in catalog:
        for prerequisite in item.prerequisites:
            assert at[prerequisite].end_minute <= at[item.code].start_minute
            assert at[prerequisite].end_week <= at[item.code].start_week
    assert at["B"].end_week - at["B"].start_week >= 1  # longer than the budget, so it spans weeks
    assert schedule.weeks_needed == 3  # 8.5 hours at 3 a week
    assert schedule.finish_date == MONDAY + timedelta(weeks=3)
    assert schedule.weeks[1].starts == MONDAY + timedelta(weeks=1)


def test_a_different_budget_moves_the_readiness_date() -> None:
    catalog = [course("A", 3, 1, "x"), course("B", 6, 2, "x", after=("A",))]
    result = plan_for(catalog, Learner(), [Target("PSR2", {"x": 2})], start=MONDAY)
    assert result.readiness_date == MONDAY + timedelta(weeks=3)
    faster = result.with_budget(Decimal("4.5"))
    assert faster.readiness_date == MONDAY + timedelta(weeks=2)
    assert faster.plan is result.plan
    slower = plan_for(catalog, Learner(), [Target("PSR2", {"x": 2})], start=MONDAY, hours_per_week=1)
    assert slower.readiness_date == MONDAY + timedelta(weeks=9)


def test_course_in_progress_is_planned_first_and_closes_its_gap() -> None:
    catalog = [
        course("A", 1, 1, "x"),
        course("B", 4, 3, "x", after=("A",)),
        course("CHEAP", 1, 3, "x"),
        course("Y", 2, 2, "y"),
    ]
    learner = Learner(in_progress=frozenset({"B"}))
    result = plan_for(catalog, learner, [Target("PSR2", {"x": 3, "y": 2})], start=MONDAY)
    # B is under way, so the cheaper course is not needed, and B's prerequisite was waived on enrolment.
    assert result.plan.codes == ("B", "Y")
    assert result.plan.courses[0].in_progress
    assert InProgressReason() in result.plan.courses[0].reasons
    assert result.schedule.courses[0].code == "B"
    assert result.readiness_date == MONDAY + timedelta(weeks=2)


def test_nothing_to_do_means_ready_now() -> None:
    result = plan_for(
        [course("A", 1, 1, "x")], Learner(levels={"x": 3}), [Target("PSR2", {"x": 2})], start=MONDAY
    )
    assert result.plan.codes == ()
    assert result.plan.proved_optimal
    assert result.readiness_date == MONDAY


def test_greedy_baseline_closes_every_gap() -> None:
    catalog = [
        course("LISTEN", 1, 2, "listening"),
        course("INFORM", 1, 2, "informing"),
        course("COMMS", 3, 2, "listening", "informing"),
    ]
    plan = greedy_plan(catalog, Learner(), [Target("PSR2", {"listening": 2, "informing": 2})])
    assert set(plan.codes) == {"LISTEN", "INFORM"}
    assert plan.status == "GREEDY" and not plan.proved_optimal


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: course("A", 1, 5, "x"), "level"),
        (lambda: course("A", -1, 1, "x"), "negative"),
        (lambda: course("A", float("nan"), 1, "x"), "finite"),
        (lambda: Target("T", {"x": 7}), "level"),
        (lambda: optimal_plan([course("A", 1, 1), course("A", 2, 1)], Learner(), []), "twice"),
        (lambda: schedule_courses([course("A", 1, 1)], start=MONDAY, hours_per_week=0), "budget"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_time_out_keeps_a_valid_plan_and_a_proven_bound() -> None:
    rng = random.Random(7)
    skills = [f"s{i}" for i in range(40)]
    catalog: list[Course] = []
    for i in range(300):
        level = 1 + i * 4 // 300
        earlier = [c.code for c in catalog if c.level < level]
        after = tuple(rng.sample(earlier, 1)) if earlier and rng.random() < 0.5 else ()
        catalog.append(
            course(f"C{i:03d}", rng.choice([1, 2, 3, 5]), level, *rng.sample(skills, 2), after=after)
        )
    target = Target("FLOAT", {skill: rng.randint(2, 4) for skill in skills[:15]}, frozenset({"C010"}))
    plan = optimal_plan(catalog, Learner(), [target], time_limit_s=1e-6)
    exact = optimal_plan(catalog, Learner(), [target])
    assert exact.proved_optimal
    assert not build_problem(catalog, Learner(), [target]).unmet(set(plan.codes))
    assert 0 < plan.bound_minutes <= exact.total_minutes <= plan.total_minutes
    if not plan.proved_optimal:
        assert plan.total_minutes <= greedy_plan(catalog, Learner(), [target]).total_minutes
