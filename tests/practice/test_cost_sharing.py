"""Patient responsibility: every branch of the rules, with worked examples to the cent."""

from decimal import Decimal

import pytest

from pathways.practice.cases.base import Action, Severity
from pathways.practice.cases.cost_sharing import CostSharing, Plan, responsibility

TWENTY = Plan(kind="coinsurance", coinsurance_rate=Decimal("0.20"))


def test_worked_example_deductible_then_coinsurance() -> None:
    # A = $200, $150 deductible left, 20 % coinsurance: 150 + 20 % of 50 = $160.
    result = responsibility(20000, TWENTY, deductible_remaining=15000, oop_remaining=500000)
    assert (result.deductible_part, result.coinsurance, result.visit) == (15000, 1000, 16000)
    assert not result.capped
    assert result.total == 16000


def test_worked_example_capped_by_out_of_pocket() -> None:
    # The same visit with only $100 left before the out-of-pocket maximum: $100.
    result = responsibility(20000, TWENTY, deductible_remaining=15000, oop_remaining=10000)
    assert result.before_cap == 16000
    assert result.visit == 10000
    assert result.capped
    assert any("out-of-pocket" in line for line in result.explanation)


def test_deductible_already_met_leaves_coinsurance_only() -> None:
    result = responsibility(20000, TWENTY, deductible_remaining=0, oop_remaining=500000)
    assert (result.deductible_part, result.coinsurance, result.visit) == (0, 4000, 4000)


def test_allowed_below_deductible_is_all_deductible() -> None:
    result = responsibility(9500, TWENTY, deductible_remaining=50000, oop_remaining=500000)
    assert (result.deductible_part, result.coinsurance, result.visit) == (9500, 0, 9500)


def test_coinsurance_rounds_half_up_to_the_cent() -> None:
    plan = Plan(kind="coinsurance", coinsurance_rate=Decimal("0.30"))
    # 30 % of $10.05 is $3.015: rounded half-up to $3.02.
    assert responsibility(1005, plan, 0, 500000).coinsurance == 302


def test_copay_plan_ignores_the_deductible_by_default() -> None:
    plan = Plan(kind="copay", copay_cents=3000)
    result = responsibility(20000, plan, deductible_remaining=15000, oop_remaining=500000)
    assert (result.deductible_part, result.copay, result.visit) == (0, 3000, 3000)


def test_copay_after_deductible_takes_the_deductible_first() -> None:
    plan = Plan(kind="copay", copay_cents=3000, copay_after_deductible=True)
    result = responsibility(20000, plan, deductible_remaining=15000, oop_remaining=500000)
    assert (result.deductible_part, result.copay, result.visit) == (15000, 3000, 18000)
    # When the deductible takes the whole allowed amount, nothing is left for a copay.
    result = responsibility(10000, plan, deductible_remaining=15000, oop_remaining=500000)
    assert (result.deductible_part, result.copay, result.visit) == (10000, 0, 10000)


def test_copay_never_exceeds_the_allowed_amount() -> None:
    assert responsibility(4000, Plan(kind="copay", copay_cents=4500), 0, 500000).visit == 4000


def test_copay_is_capped_by_out_of_pocket_too() -> None:
    assert responsibility(20000, Plan(kind="copay", copay_cents=4500), 0, oop_remaining=2500).visit == 2500


def test_prior_balance_is_added_after_the_cap() -> None:
    result = responsibility(20000, TWENTY, 15000, 10000, prior_balance=3500)
    assert (result.visit, result.prior_balance, result.total) == (10000, 3500, 13500)
    assert "$135.00" in result.explanation[-1]


def answer_for(case_answer: dict[str, int], **changes: object) -> Action:
    payload = {
        "deductible_part": case_answer["deductible_part"] / 100,
        "coinsurance": case_answer["coinsurance"] / 100,
        "copay": case_answer["copay"] / 100,
        "visit_amount": case_answer["visit"] / 100,
        "prior_balance": case_answer["prior_balance"] / 100,
        "total_due": case_answer["total"] / 100,
        "explanation": "rules",
    } | changes
    return Action(
        seq=1, kind="answer", payload=CostSharing().parse("answer", payload).model_dump(mode="json")
    )


@pytest.mark.parametrize("seed", range(8))
def test_grading_a_generated_case(seed: int) -> None:
    kind = CostSharing()
    case = kind.generate(seed)
    assert kind.grade(case, [answer_for(case.answer)]) == []
    wrong_total = kind.grade(case, [answer_for(case.answer, total_due=case.answer["total"] / 100 + 1)])
    assert [(f.code, f.severity) for f in wrong_total] == [("total-wrong", Severity.MAJOR)]
    vague = kind.grade(case, [answer_for(case.answer, explanation="vague")])
    assert [(f.code, f.severity, f.competency) for f in vague] == [
        ("explanation-unclear", Severity.MINOR, "informing")
    ]


def test_the_explanations_offered_give_no_amount_away() -> None:
    for seed in range(20):
        case = CostSharing().generate(seed)
        assert all("$" not in option["text"] for option in case.facts["explanations"])
        assert {o["key"] for o in case.facts["explanations"]} == {"rules", "coinsurance-first", "vague"}
