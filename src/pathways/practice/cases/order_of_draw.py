"""Tubes and order of draw (CLSI GP41): blood cultures, citrate, serum, heparin, EDTA, fluoride/oxalate.

Each test needs its tube; a tube drawn after one that comes later in the order risks additive carry-over.
A citrate (coagulation) tube after a clot-activator tube is critical: the activator shortens clotting times
and the coagulation result can harm the patient. With a winged (butterfly) set, a citrate tube drawn first
needs a discard tube before it to fill the tubing, or the citrate tube is under-filled.
"""

from typing import Any

from pydantic import Field, field_validator

from pathways.practice.cases.base import Action, Case, CaseKind, Finding, Payload, Severity, last, rng_for
from pathways.practice.cases.catalog import DISCARD, DISCARD_NAME, TESTS, TUBES
from pathways.practice.cases.synthetic import person


class Draw(Payload):
    tubes: list[str] = Field(min_length=1, max_length=9)

    @field_validator("tubes")
    @classmethod
    def known_tubes(cls, tubes: list[str]) -> list[str]:
        unknown = [t for t in tubes if t not in TUBES and t != DISCARD]
        if unknown:
            raise ValueError(f"unknown tube: {', '.join(unknown)}")
        return tubes


def correct_sequence(test_codes: list[str], winged: bool) -> list[str]:
    tubes = sorted({TESTS[c].tube for c in test_codes}, key=lambda t: (TUBES[t].rank, t))
    if winged and tubes[0] == "light-blue":
        tubes.insert(0, DISCARD)
    return tubes


def order_findings(kind: CaseKind, tubes: list[str], step: int) -> list[Finding]:
    findings = []
    drawn = [t for t in tubes if t != DISCARD]
    for position, later in enumerate(drawn):
        earlier = drawn[:position]
        if later == "light-blue" and any(TUBES[t].clot_activator for t in earlier):
            findings.append(
                kind.finding(
                    "citrate-after-activator",
                    Severity.CRITICAL,
                    "A coagulation (citrate) tube was drawn after a clot-activator tube: carry-over of the "
                    "activator can falsify the coagulation result.",
                    step,
                )
            )
        elif any(TUBES[t].rank > TUBES[later].rank for t in earlier):
            after = next(t for t in earlier if TUBES[t].rank > TUBES[later].rank)
            findings.append(
                kind.finding(
                    "order-of-draw",
                    Severity.MAJOR,
                    f"{TUBES[later].name} must come before {TUBES[after].name}.",
                    step,
                )
            )
    return findings


class OrderOfDraw(CaseKind):
    code = "order-of-draw"
    name = "Tubes and order of draw"
    family = "order-of-draw"
    summary = "Choose the tubes for the tests ordered and draw them in the CLSI order."
    competencies = ("phlebotomy",)
    target_seconds = 120
    actions = {"draw": Draw}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        codes = sorted(rng.sample(sorted(TESTS), rng.randint(2, 5)))
        winged = rng.random() < 0.35
        facts: dict[str, Any] = {
            "patient": patient.full_name,
            "tests": [{"code": c, "name": TESTS[c].name} for c in codes],
            "winged": winged,
            "tubes": {code: tube.name for code, tube in TUBES.items()} | {DISCARD: DISCARD_NAME},
        }
        answer = {
            "tubes": correct_sequence(codes, winged),
            "by_test": {c: TUBES[TESTS[c].tube].name for c in codes},
        }
        device = "a winged (butterfly) set" if winged else "a straight needle and holder"
        brief = (
            f"{patient.full_name}'s requisition orders: {', '.join(TESTS[c].name for c in codes)}. You are "
            f"using {device}. Choose the tubes and the order you draw them in."
        )
        return Case(
            type=self.code,
            seed=seed,
            title=f"Draw for {patient.full_name}",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "draw")
        if done is None:
            return [self.missing("not-drawn", "No tubes were chosen.")]
        tubes = list(done.payload["tubes"])
        want = [t for t in case.answer["tubes"] if t != DISCARD]
        findings = [
            self.finding("missing-tube", Severity.MAJOR, f"Missing: {TUBES[t].name}.", done.seq)
            for t in want
            if t not in tubes
        ]
        findings += [
            self.finding(
                "extra-tube", Severity.MINOR, f"Not needed for these tests: {TUBES[t].name}.", done.seq
            )
            for t in dict.fromkeys(tubes)
            if t not in want and t != DISCARD
        ]
        findings += order_findings(self, tubes, done.seq)
        drawn = [t for t in tubes if t != DISCARD]
        if case.facts["winged"] and drawn and drawn[0] == "light-blue" and tubes[0] != DISCARD:
            findings.append(
                self.finding(
                    "no-discard-tube",
                    Severity.MAJOR,
                    "With a winged set, draw a discard tube before a citrate tube that would be first.",
                    done.seq,
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        return [("draw", {"tubes": case.answer["tubes"]})]
