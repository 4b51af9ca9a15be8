"""Medicare Advance Beneficiary Notice of Noncoverage (ABN, form CMS-R-131).

Required when Medicare is expected to deny a test as not medically necessary for the diagnosis given or as
more frequent than Medicare pays for. Voluntary (a courtesy notice, not required) when the service is excluded
from Medicare by statute, such as tests for a routine physical. Not applicable otherwise, including for
patients who are not on Medicare. An ABN given routinely, where no denial is expected, or signed before it
is filled in, is invalid (major). The cost estimate must be within $100 or 25% of the actual cost.
"""

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Money,
    Payload,
    Severity,
    last,
    rng_for,
    to_cents,
    usd,
)
from pathways.practice.cases.catalog import DIAGNOSES, ROUTINE_EXAM, TESTS
from pathways.practice.cases.synthetic import MEDICARE, PRACTICE_DAY, age_on, payer, person

Decision = Literal["required", "voluntary", "not-applicable"]
Reason = Literal["medical-necessity", "frequency", "statutory"]


class Decide(Payload):
    decision: Decision


class CompleteForm(Payload):
    items: str = Field(min_length=1, max_length=200)
    reason: Reason
    estimated_cost: Money
    option: Literal["1", "2", "3"] | None = None  # the patient's choice, in the patient's hand
    signing: Literal["after-completion", "blank-first"]


def abn_branch(
    on_medicare: bool, test_code: str, diagnosis: str, months_since_last: int | None
) -> tuple[Decision, Reason | None]:
    if not on_medicare:
        return "not-applicable", None
    if diagnosis == ROUTINE_EXAM:
        return "voluntary", "statutory"
    test = TESTS[test_code]
    if diagnosis not in test.covered_for:
        return "required", "medical-necessity"
    if test.frequency_months and months_since_last is not None and months_since_last < test.frequency_months:
        return "required", "frequency"
    return "not-applicable", None


def estimate_ok(estimate_cents: int, actual_cents: int) -> bool:
    return abs(estimate_cents - actual_cents) <= max(10000, actual_cents // 4)


class Abn(CaseKind):
    code = "abn"
    name = "Advance Beneficiary Notice"
    family = "abn"
    summary = "Decide whether an ABN is required, voluntary or not applicable, and complete it properly."
    competencies = ("insurance-verification", "informing")
    target_seconds = 240
    actions = {"decide": Decide, "complete_form": CompleteForm}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng, 66, 85)
        branch = rng.choice(["not-medicare", "covered", "necessity", "frequency", "statutory"])
        code = rng.choice(
            ["LIPID", "A1C"] if branch == "frequency" else ["LIPID", "A1C", "TSH", "VITD", "CBC"]
        )
        test = TESTS[code]
        months: int | None = None
        if branch in ("covered", "not-medicare"):
            diagnosis = rng.choice(test.covered_for)
            months = (test.frequency_months + rng.randint(1, 6)) if test.frequency_months else None
        elif branch == "frequency":
            diagnosis = rng.choice(test.covered_for)
            months = rng.randint(1, (test.frequency_months or 12) - 1)
        elif branch == "statutory":
            diagnosis = ROUTINE_EXAM
        else:
            diagnosis = rng.choice([d for d in DIAGNOSES if d not in test.covered_for and d != ROUTINE_EXAM])
        on_medicare = branch != "not-medicare"
        decision, reason = abn_branch(on_medicare, code, diagnosis, months)
        plan = MEDICARE[1] if on_medicare else payer(rng)[1]
        last_done = "never" if months is None else (PRACTICE_DAY - dt.timedelta(days=months * 30)).isoformat()
        facts: dict[str, Any] = {
            "patient": patient.full_name,
            "age": age_on(patient.dob, PRACTICE_DAY),
            "coverage": plan,
            "test": {"code": code, "name": test.name, "cpt": test.cpt, "price_cents": test.price_cents},
            "diagnosis": f"{diagnosis} {DIAGNOSES[diagnosis]}",
            "last_done": last_done,
            "rules": {"covered_for": test.covered_for, "frequency_months": test.frequency_months},
        }
        answer = {"decision": decision, "reason": reason, "cost_cents": test.price_cents}
        brief = (
            f"{patient.full_name} ({plan}) brings an order for a {test.name} with diagnosis {diagnosis}. "
            f"Last done: {last_done}. Decide on the ABN and, if one is given, complete it."
        )
        return Case(
            type=self.code,
            seed=seed,
            title=f"ABN decision: {test.name}",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        decided = last(actions, "decide")
        if decided is None:
            return [self.missing("no-decision", "No ABN decision was made.")]
        given, want = decided.payload["decision"], case.answer["decision"]
        form = last(actions, "complete_form")
        findings = []
        if given != want:
            severity = Severity.MINOR if {given, want} == {"required", "voluntary"} else Severity.MAJOR
            findings.append(
                self.finding(
                    "abn-decision", severity, f"The ABN here is {want.replace('-', ' ')}.", decided.seq
                )
            )
        if want == "not-applicable" and form is not None:
            findings.append(
                self.finding(
                    "routine-abn",
                    Severity.MAJOR,
                    "An ABN was given where no denial is expected: a routine ABN is invalid.",
                    form.seq,
                )
            )
        if want == "required" and form is None:
            findings.append(
                self.finding(
                    "form-missing",
                    Severity.MAJOR,
                    "The ABN was required but not completed, so the patient cannot be billed if Medicare "
                    "denies.",
                )
            )
        if form is not None and want != "not-applicable":
            findings += self._form(case, form)
        return findings

    def _form(self, case: Case, form: Action) -> list[Finding]:
        filled = CompleteForm.model_validate(form.payload)
        findings = []
        if filled.signing == "blank-first":
            findings.append(
                self.finding(
                    "blank-signed",
                    Severity.MAJOR,
                    "The patient signed a blank ABN; it must be completed before the patient chooses and "
                    "signs.",
                    form.seq,
                )
            )
        if filled.reason != case.answer["reason"]:
            findings.append(
                self.finding(
                    "abn-reason",
                    Severity.MAJOR,
                    f"The reason Medicare may not pay is '{case.answer['reason']}'.",
                    form.seq,
                )
            )
        if case.facts["test"]["name"].lower() not in filled.items.lower():
            findings.append(
                self.finding(
                    "abn-items",
                    Severity.MAJOR,
                    "The ABN must name the test that may not be paid for.",
                    form.seq,
                )
            )
        if not estimate_ok(to_cents(filled.estimated_cost), case.answer["cost_cents"]):
            findings.append(
                self.finding(
                    "abn-estimate",
                    Severity.MINOR,
                    f"The estimate must be within $100 or 25% of {usd(case.answer['cost_cents'])}.",
                    form.seq,
                )
            )
        if case.answer["decision"] == "required" and filled.option is None:
            findings.append(
                self.finding(
                    "abn-option",
                    Severity.MAJOR,
                    "The patient must choose an option (1, 2 or 3) on a required ABN.",
                    form.seq,
                    "informing",
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        steps: list[tuple[str, dict[str, Any]]] = [("decide", {"decision": case.answer["decision"]})]
        if case.answer["decision"] == "required":
            steps.append(
                (
                    "complete_form",
                    {
                        "items": case.facts["test"]["name"],
                        "reason": case.answer["reason"],
                        "estimated_cost": case.answer["cost_cents"] / 100,
                        "option": "1",
                        "signing": "after-completion",
                    },
                )
            )
        return steps
