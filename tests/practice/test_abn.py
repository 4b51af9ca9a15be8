"""Medicare ABN: each branch (required, voluntary, not applicable) and the form's major errors."""

import pytest

from pathways.practice.cases.abn import Abn, abn_branch, estimate_ok
from pathways.practice.cases.base import Action, Case, Severity

KIND = Abn()


def test_required_when_medicare_expects_to_deny_for_medical_necessity() -> None:
    # Vitamin D is covered for deficiency or kidney disease, not for fatigue.
    assert abn_branch(True, "VITD", "R53.83", None) == ("required", "medical-necessity")


def test_required_when_medicare_expects_to_deny_for_frequency() -> None:
    # A lipid panel is paid for once every 60 months; the last one was 24 months ago.
    assert abn_branch(True, "LIPID", "E78.5", 24) == ("required", "frequency")
    assert abn_branch(True, "A1C", "E11.9", 2) == ("required", "frequency")


def test_not_applicable_when_covered_and_not_too_soon() -> None:
    assert abn_branch(True, "LIPID", "E78.5", 61) == ("not-applicable", None)
    assert abn_branch(True, "TSH", "E03.9", None) == ("not-applicable", None)


def test_voluntary_for_a_statutory_exclusion() -> None:
    assert abn_branch(True, "CBC", "Z00.00", None) == ("voluntary", "statutory")


def test_not_applicable_for_a_patient_not_on_medicare() -> None:
    assert abn_branch(False, "VITD", "R53.83", None) == ("not-applicable", None)


def test_cost_estimate_within_100_dollars_or_25_percent() -> None:
    assert estimate_ok(15000, 11000)  # $40 off a $110 test: within $100
    assert not estimate_ok(25000, 11000)
    assert estimate_ok(100000, 80000)  # $200 off $800: within 25 % ($200)
    assert not estimate_ok(100100, 80000)


def case_with(decision: str, reason: str | None) -> Case:
    case = KIND.generate(0)
    return case.model_copy(
        update={
            "answer": {"decision": decision, "reason": reason, "cost_cents": 11000},
            "facts": case.facts | {"test": {"name": "Vitamin D, 25-hydroxy"}},
        }
    )


def form(**changes: object) -> dict[str, object]:
    return {
        "items": "Vitamin D, 25-hydroxy",
        "reason": "medical-necessity",
        "estimated_cost": "110.00",
        "option": "1",
        "signing": "after-completion",
    } | changes


def graded(case: Case, decision: str, filled: dict[str, object] | None) -> list[tuple[str, Severity]]:
    actions = [Action(seq=1, kind="decide", payload={"decision": decision})]
    if filled is not None:
        actions.append(
            Action(
                seq=2,
                kind="complete_form",
                payload=KIND.parse("complete_form", filled).model_dump(mode="json"),
            )
        )
    return [(f.code, f.severity) for f in KIND.grade(case, actions)]


def test_a_required_abn_completed_properly_finds_nothing() -> None:
    assert graded(case_with("required", "medical-necessity"), "required", form()) == []


def test_a_routine_abn_is_a_major_error() -> None:
    found = graded(case_with("not-applicable", None), "required", form())
    assert ("routine-abn", Severity.MAJOR) in found
    assert ("abn-decision", Severity.MAJOR) in found


def test_a_blank_signed_abn_is_a_major_error() -> None:
    found = graded(case_with("required", "medical-necessity"), "required", form(signing="blank-first"))
    assert found == [("blank-signed", Severity.MAJOR)]


def test_a_required_abn_not_given_is_a_major_error() -> None:
    assert ("form-missing", Severity.MAJOR) in graded(
        case_with("required", "frequency"), "not-applicable", None
    )


def test_the_wrong_reason_and_no_patient_choice_are_major() -> None:
    found = graded(case_with("required", "frequency"), "required", form(option=None))
    assert set(found) == {("abn-reason", Severity.MAJOR), ("abn-option", Severity.MAJOR)}


def test_voluntary_notice_needs_no_form_but_calling_it_required_is_minor() -> None:
    case = case_with("voluntary", "statutory")
    assert graded(case, "voluntary", None) == []
    assert graded(case, "required", form(reason="statutory")) == [("abn-decision", Severity.MINOR)]


@pytest.mark.parametrize("seed", range(30))
def test_generated_cases_follow_the_branch_rule(seed: int) -> None:
    case = KIND.generate(seed)
    assert case.answer["decision"] in ("required", "voluntary", "not-applicable")
    if case.facts["coverage"].startswith("Medicare"):
        assert case.facts["age"] >= 65
    else:
        assert case.answer["decision"] == "not-applicable"
