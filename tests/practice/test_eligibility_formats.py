"""The simulated payer's replies in real formats, read back by independent readers.

X12 271 (005010X279A1) files are read by pyx12's X12Reader, which checks the envelope (ISA/IEA, GS/GE, ST/SE
control numbers and counts); FHIR R4 CoverageEligibilityResponse is validated by fhir.resources (R4B).
"""

import io
from decimal import Decimal
from typing import Any

import pytest
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from pyx12.x12file import X12Reader

from pathways.practice.cases.base import Action
from pathways.practice.cases.eligibility import Eligibility, decision_for
from pathways.practice.cases.payer import Benefits

KIND = Eligibility()
SEEDS = range(40)


def read_271(text: str) -> tuple[list[Any], list[Any]]:
    reader = X12Reader(io.StringIO(text))
    segments = list(reader)
    reader.cleanup()  # reports any trailer left missing at the end of the file
    return segments, reader.pop_errors()


def values(segment: Any) -> list[str]:
    return [segment.get_value(f"{segment.get_seg_id()}{n:02d}") or "" for n in range(1, len(segment) + 1)]


@pytest.mark.parametrize("seed", SEEDS)
def test_271_envelope_is_valid_and_counts_match(seed: int) -> None:
    case = KIND.generate(seed)
    segments, errors = read_271(case.facts["x12_271"])
    assert errors == []
    ids = [s.get_seg_id() for s in segments]
    assert ids[:3] == ["ISA", "GS", "ST"] and ids[-3:] == ["SE", "GE", "IEA"]
    isa, gs, st, se, ge, iea = (segments[i] for i in (0, 1, 2, -3, -2, -1))
    assert st.get_value("ST01") == "271" and st.get_value("ST03") == "005010X279A1"
    assert gs.get_value("GS01") == "HB" and gs.get_value("GS08") == "005010X279A1"
    assert int(se.get_value("SE01")) == ids.index("SE") - ids.index("ST") + 1  # ST..SE inclusive
    assert se.get_value("SE02") == st.get_value("ST02")
    assert ge.get_value("GE01") == "1" and ge.get_value("GE02") == gs.get_value("GS06")
    assert iea.get_value("IEA01") == "1" and iea.get_value("IEA02") == isa.get_value("ISA13")
    assert isa.get_value("ISA15") == "T"  # a test interchange, never production


@pytest.mark.parametrize("seed", SEEDS)
def test_271_benefits_read_back_match_the_case_answer(seed: int) -> None:
    case = KIND.generate(seed)
    answer = Benefits.model_validate(case.answer)
    segments, _ = read_271(case.facts["x12_271"])
    eb = {s.get_value("EB01"): values(s) for s in segments if s.get_seg_id() == "EB"}
    aaa = [s for s in segments if s.get_seg_id() == "AAA"]
    member = next(s for s in segments if s.get_seg_id() == "NM1" and s.get_value("NM101") == "IL")
    assert member.get_value("NM109").startswith("TEST")
    if answer.status == "rejected":
        assert not eb and aaa[0].get_value("AAA03") == answer.reject_code
        return
    assert not aaa
    if answer.status == "inactive":
        assert set(eb) == {"6"}
        return
    assert "1" in eb
    if answer.network == "out" and not answer.out_of_network_benefits:
        assert set(eb) == {"1", "I"} and eb["I"][11] == "N"  # non-covered out of network, no amounts
        return
    network = "Y" if answer.network == "in" else "N"
    assert Decimal(eb["C"][6]) * 100 == answer.deductible_remaining_cents
    assert Decimal(eb["G"][6]) * 100 == answer.oop_remaining_cents
    assert Decimal(eb["A"][7]) * 100 == answer.coinsurance_percent
    assert eb["C"][11] == eb["A"][11] == eb["G"][11] == network
    if answer.copay_cents is None:
        assert "B" not in eb
    else:
        assert Decimal(eb["B"][6]) * 100 == answer.copay_cents


def test_a_wrong_segment_count_is_caught_by_the_reader() -> None:
    text = KIND.generate(3).facts["x12_271"]
    broken = text.replace("SE*", "SE*9", 1)
    _, errors = read_271(broken)
    assert any("SE count" in e[2] for e in errors)


@pytest.mark.parametrize("seed", SEEDS)
def test_fhir_response_validates_and_agrees_with_the_271(seed: int) -> None:
    case = KIND.generate(seed)
    answer = Benefits.model_validate(case.answer)
    resource = CoverageEligibilityResponse.model_validate_json(case.facts["fhir"])
    assert resource.get_resource_type() == "CoverageEligibilityResponse"
    assert resource.purpose == ["benefits"]
    if answer.status == "rejected":
        assert resource.outcome == "error"
        assert resource.error[0].code.coding[0].code == answer.reject_code
        return
    assert resource.outcome == "complete"
    insurance = resource.insurance[0]
    assert insurance.inforce is (answer.status == "active")
    if answer.status == "inactive":
        return
    item = insurance.item[0]
    assert item.network.coding[0].code == answer.network
    if answer.network == "out" and not answer.out_of_network_benefits:
        assert item.excluded is True and not item.benefit
        return
    benefits = {b.type.coding[0].code: b for b in item.benefit}
    deductible = benefits["deductible"]
    remaining = (deductible.allowedMoney.value - deductible.usedMoney.value) * 100
    assert remaining == answer.deductible_remaining_cents
    oop = benefits["out-of-pocket-maximum"]
    assert (oop.allowedMoney.value - oop.usedMoney.value) * 100 == answer.oop_remaining_cents
    assert benefits["copay-percent"].allowedUnsignedInt == answer.coinsurance_percent


def test_decision_rule() -> None:
    assert decision_for(Benefits(status="active", network="in")) == "proceed"
    out = Benefits(status="active", network="out", out_of_network_benefits=True)
    assert decision_for(out) == "out-of-network-estimate"  # the plan still pays: not self-pay
    assert decision_for(out.model_copy(update={"out_of_network_benefits": False})) == "self-pay-estimate"
    assert decision_for(Benefits(status="inactive")) == "self-pay-estimate"
    # AAA04 decides: R (42, unable to respond now) resubmit later; C (72, 73, 75) correct and resubmit.
    assert decision_for(Benefits(status="rejected", reject_code="42")) == "resubmit-later"
    for code in ("72", "73", "75"):
        assert decision_for(Benefits(status="rejected", reject_code=code)) == "correct-and-resubmit"


def test_grading_checks_the_inquiry_was_sent_first() -> None:
    case = KIND.generate(1)
    answer_only = [step for step in KIND.model_answer(case) if step[0] == "answer"]
    actions = [
        Action(seq=1, kind=k, payload=KIND.parse(k, p).model_dump(mode="json")) for k, p in answer_only
    ]
    assert [f.code for f in KIND.grade(case, actions)] == ["not-checked"]
