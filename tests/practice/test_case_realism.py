"""Generated cases are ones a real desk could meet, and eligibility is graded by the X12 follow-up action.

The benefit-year rules (payer.py): payments toward the deductible count toward the out-of-pocket maximum,
so what is left of the deductible never exceeds what is left of the maximum, and a deductible partly or fully
met always shows as money paid toward the maximum. Seeds are drawn from both spaces: free practice (below
FREE_SEED_LIMIT) and practice sets (from SET_SEED_FLOOR up).
"""

import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pyx12.x12file import X12Reader

import pathways.practice.cases.eligibility as eligibility_module
from pathways.practice.case_seeds import FREE_SEED_LIMIT, SEED_CEILING, SET_SEED_FLOOR
from pathways.practice.cases.base import Action, Severity
from pathways.practice.cases.cost_sharing import CostSharing
from pathways.practice.cases.eligibility import Eligibility
from pathways.practice.cases.payer import FOLLOW_UP, Benefits

ELIGIBILITY, COST_SHARING = Eligibility(), CostSharing()
SEEDS = st.one_of(
    st.integers(min_value=0, max_value=FREE_SEED_LIMIT - 1),
    st.integers(min_value=SET_SEED_FLOOR, max_value=SEED_CEILING - 1),
)


def impossible(b: Benefits) -> list[str]:
    """What no real plan's benefit year could show; empty when the year is possible."""
    if b.status != "active" or b.deductible_remaining_cents is None:
        return []
    assert (
        b.deductible_cents is not None and b.oop_max_cents is not None and b.oop_remaining_cents is not None
    )
    problems = []
    if not 0 <= b.deductible_remaining_cents <= b.deductible_cents:
        problems.append("deductible remaining outside 0..deductible")
    if not 0 <= b.oop_remaining_cents <= b.oop_max_cents:
        problems.append("out-of-pocket remaining outside 0..maximum")
    if b.deductible_cents > b.oop_max_cents:
        problems.append("deductible above the out-of-pocket maximum")
    if b.deductible_remaining_cents > b.oop_remaining_cents:
        problems.append("deductible remaining above out-of-pocket remaining")
    paid_toward_deductible = b.deductible_cents - b.deductible_remaining_cents
    paid_toward_maximum = b.oop_max_cents - b.oop_remaining_cents
    if paid_toward_deductible > paid_toward_maximum:
        problems.append("deductible payments missing from the out-of-pocket total")
    return problems


@settings(max_examples=400, deadline=None)
@given(seed=SEEDS)
def test_eligibility_benefit_years_are_possible(seed: int) -> None:
    case = ELIGIBILITY.generate(seed)
    assert impossible(Benefits.model_validate(case.answer)) == []


@settings(max_examples=400, deadline=None)
@given(seed=SEEDS)
def test_cost_sharing_never_leaves_more_deductible_than_out_of_pocket(seed: int) -> None:
    facts = COST_SHARING.generate(seed).facts
    assert facts["deductible_remaining_cents"] <= facts["oop_remaining_cents"]


def test_no_impossible_year_in_a_thousand_cases_and_every_kind_of_year_occurs() -> None:
    answers = [Benefits.model_validate(ELIGIBILITY.generate(seed).answer) for seed in range(1000)]
    assert [a for a in answers if impossible(a)] == []
    active = [a for a in answers if a.status == "active" and a.deductible_cents is not None]
    assert active, "the generator must still produce active coverage with a benefit year"
    # Still varied: untouched, part-met and met deductibles, and the out-of-pocket cap already close.
    assert {a.deductible_remaining_cents == a.deductible_cents for a in active} == {True, False}
    assert any(a.deductible_remaining_cents == 0 for a in active)
    assert any(0 < (a.deductible_remaining_cents or 0) < (a.deductible_cents or 0) for a in active)


def decided(case_seed: int, decision: str) -> list[str]:
    case = ELIGIBILITY.generate(case_seed)
    steps = dict(ELIGIBILITY.model_answer(case))
    actions = [
        Action(
            seq=1, kind="check", payload=ELIGIBILITY.parse("check", steps["check"]).model_dump(mode="json")
        ),
        Action(
            seq=2,
            kind="answer",
            payload=ELIGIBILITY.parse("answer", steps["answer"] | {"decision": decision}).model_dump(
                mode="json"
            ),
        ),
    ]
    findings = ELIGIBILITY.grade(case, actions)
    return [f"{f.code}:{f.severity.value}" for f in findings]


def seed_where(test: Any) -> int:
    return next(s for s in range(5000) if test(Benefits.model_validate(ELIGIBILITY.generate(s).answer)))


def test_aaa_42_means_resubmit_later_not_reschedule() -> None:
    seed = seed_where(lambda b: b.status == "rejected" and b.reject_code == "42")
    assert ELIGIBILITY.generate(seed).answer["decision"] == "resubmit-later"
    assert decided(seed, "resubmit-later") == []
    assert decided(seed, "reschedule") == [f"decision-wrong:{Severity.MAJOR.value}"]
    assert decided(seed, "correct-and-resubmit") == [f"decision-wrong:{Severity.MAJOR.value}"]


def test_aaa_72_and_73_mean_correct_and_resubmit() -> None:
    for code in ("72", "73"):
        seed = seed_where(lambda b, code=code: b.status == "rejected" and b.reject_code == code)
        case = ELIGIBILITY.generate(seed)
        assert case.answer["decision"] == "correct-and-resubmit"
        assert f"AAA04 {FOLLOW_UP[code]}" in case.answer["why"]
        assert decided(seed, "correct-and-resubmit") == []
        assert decided(seed, "reschedule") == [f"decision-wrong:{Severity.MAJOR.value}"]
        assert decided(seed, "resubmit-later") == [f"decision-wrong:{Severity.MAJOR.value}"]


def test_out_of_network_with_benefits_calls_for_an_out_of_network_estimate() -> None:
    seed = seed_where(lambda b: b.network == "out" and b.out_of_network_benefits)
    assert decided(seed, "out-of-network-estimate") == []
    assert decided(seed, "self-pay-estimate") == [f"decision-wrong:{Severity.MAJOR.value}"]
    without = seed_where(lambda b: b.network == "out" and b.out_of_network_benefits is False)
    assert decided(without, "self-pay-estimate") == []
    assert decided(without, "out-of-network-estimate") == [f"decision-wrong:{Severity.MAJOR.value}"]


def test_the_271_carries_the_follow_up_action_the_grading_uses() -> None:
    for seed in range(300):
        case = ELIGIBILITY.generate(seed)
        benefits = Benefits.model_validate(case.answer)
        if benefits.status != "rejected":
            continue
        reader = X12Reader(io.StringIO(case.facts["x12_271"]))
        aaa = [s for s in reader if s.get_seg_id() == "AAA"]
        reader.cleanup()
        assert aaa[0].get_value("AAA03") == benefits.reject_code
        follow_up = aaa[0].get_value("AAA04")
        assert follow_up == FOLLOW_UP[benefits.reject_code or ""]
        assert case.answer["decision"] == ("resubmit-later" if follow_up == "R" else "correct-and-resubmit")


def test_the_case_documentation_states_the_rules_and_their_sources() -> None:
    doc = " ".join((eligibility_module.__doc__ or "").split())
    for needed in (
        "005010X279A1",
        "AAA04",
        "AAA03 42",
        "resubmission allowed",
        "please correct and resubmit",
        "out-of-network estimate",
        "45 CFR 149.610",
    ):
        assert needed in doc, needed
