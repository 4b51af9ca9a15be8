"""All fourteen case types: deterministic from a seed, graded by their own rules, and synthetic throughout."""

import json
import re

import pytest
import yaml

from pathways.config import DEFAULT_CONTENT_DIR
from pathways.practice.case_seeds import FREE_SEED_LIMIT, batch_case_seed
from pathways.practice.cases import CASE_KINDS, kind_for
from pathways.practice.cases.base import Action, Case, CaseKind
from pathways.practice.cases.synthetic import FIRST_NAMES, LAST_NAMES

EXPECTED_TYPES = [
    "registration-new",
    "registration-returning",
    "eligibility",
    "cost-sharing",
    "payment",
    "booking",
    "backfill",
    "followups",
    "privacy",
    "requisition",
    "identification",
    "abn",
    "order-of-draw",
    "frustrated-patient",
]
COMPETENCIES = {
    "registration-accuracy",
    "insurance-verification",
    "scheduling",
    "payment-collection",
    "privacy-compliance",
    "phlebotomy",
    "composure",
    "listening",
    "informing",
    "decision-quality",
    "time-management",
}
KINDS = list(CASE_KINDS.values())


def play(kind: CaseKind, case: Case, steps: list[tuple[str, dict[str, object]]]) -> list[Action]:
    actions: list[Action] = []
    for number, (name, raw) in enumerate(steps, start=1):
        screened = kind.screen(case, name, kind.parse(name, raw))
        actions.append(Action(seq=number, kind=name, payload=screened.payload))
        kind.respond(case, name, screened.payload, actions)
    return actions


def test_the_fourteen_case_types() -> None:
    assert list(CASE_KINDS) == EXPECTED_TYPES


def test_every_competency_tag_exists_in_the_framework_and_all_eleven_are_used() -> None:
    framework = yaml.safe_load((DEFAULT_CONTENT_DIR / "competencies.yaml").read_text())
    codes = {
        item["code"] for item in (framework if isinstance(framework, list) else framework["competencies"])
    }
    used = {code for kind in KINDS for code in kind.competencies}
    assert used == COMPETENCIES
    assert used <= codes


@pytest.mark.parametrize("kind", KINDS, ids=[k.code for k in KINDS])
def test_same_seed_same_case_and_seeds_differ(kind: CaseKind) -> None:
    assert kind.generate(11) == kind.generate(11)
    assert len({json.dumps(kind.generate(s).model_dump(mode="json"), sort_keys=True) for s in range(6)}) > 1


@pytest.mark.parametrize("kind", KINDS, ids=[k.code for k in KINDS])
def test_the_model_answer_finds_nothing_and_doing_nothing_fails(kind: CaseKind) -> None:
    for seed in range(25):
        case = kind.generate(seed)
        assert kind.grade(case, play(kind, case, kind.model_answer(case))) == [], (kind.code, seed)
        assert kind.grade(case, []) != [], (kind.code, seed)


@pytest.mark.parametrize("kind", KINDS, ids=[k.code for k in KINDS])
def test_cases_are_synthetic_and_look_it(kind: CaseKind) -> None:
    for seed in range(10):
        text = json.dumps(kind.generate(seed).model_dump(mode="json"))
        for member in re.findall(r'"member_id": "([^"]*)"', text):
            assert member == "" or member.startswith("TEST"), member
        for phone in re.findall(r"\b\d{3}-\d{3}-\d{4}\b", text):
            assert phone[4:9] == "555-0", phone  # the range reserved for fiction
        assert not re.search(r"\b\d{3}-\d{2}-\d{4}\b", text), (
            "nothing that looks like a social security number"
        )


def test_names_are_invented() -> None:
    assert all(name.istitle() for name in FIRST_NAMES + LAST_NAMES)
    assert {"Sampleton", "Testwood", "Notreal"} <= set(LAST_NAMES)


def test_batch_case_seeds_are_stable_distinct_and_free() -> None:
    seeds = {batch_case_seed(42, code, i) for code in EXPECTED_TYPES for i in range(3)}
    assert len(seeds) == 42
    assert batch_case_seed(42, "booking", 0) == batch_case_seed(42, "booking", 0)
    assert all(0 <= s < FREE_SEED_LIMIT for s in seeds)  # offline batches are public: never a set's space


def test_unknown_case_type_is_a_clear_404() -> None:
    from pathways.errors import NotFound

    with pytest.raises(NotFound, match="No case type 'juggling'"):
        kind_for("juggling")


def test_unknown_action_and_bad_payload_are_clear_400s() -> None:
    from pathways.errors import BadRequest

    kind = kind_for("cost-sharing")
    with pytest.raises(BadRequest, match="has no action 'dance'"):
        kind.parse("dance", {})
    with pytest.raises(BadRequest, match="total_due"):
        kind.parse("answer", {"deductible_part": "1", "visit_amount": "1", "explanation": "rules"})
    with pytest.raises(BadRequest, match="deductible_part"):
        kind.parse(
            "answer", {"deductible_part": "-5", "visit_amount": "1", "total_due": "1", "explanation": "x"}
        )
