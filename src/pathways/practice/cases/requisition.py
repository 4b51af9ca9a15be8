"""Lab requisition review before the draw: what is missing, and whether to hold it for the ordering office.

A requisition needs an ordering provider (name and NPI), at least one test, a diagnosis code for each
test's medical necessity, and billing details (for insurance billing: payer and member id). Anything missing
holds the requisition until the ordering office supplies it.
"""

from typing import Any, Literal

from pydantic import Field

from pathways.practice.cases.base import Action, Case, CaseKind, Finding, Payload, Severity, last, rng_for
from pathways.practice.cases.catalog import DIAGNOSES, TESTS
from pathways.practice.cases.synthetic import PROVIDERS, member_id, payer, person

Problem = Literal["missing-provider", "missing-test", "missing-diagnosis", "missing-billing"]
PROBLEMS = {
    "missing-provider": "Ordering provider (name and NPI) missing",
    "missing-test": "No test ordered",
    "missing-diagnosis": "Diagnosis code missing",
    "missing-billing": "Billing details incomplete",
}


class Review(Payload):
    problems: list[Problem] = Field(default_factory=list, max_length=len(PROBLEMS))
    decision: Literal["accept", "hold"]


class RequisitionReview(CaseKind):
    code = "requisition"
    name = "Lab requisition review"
    family = "requisition"
    summary = "Check a lab requisition for a missing provider, test, diagnosis code or billing detail."
    competencies = ("registration-accuracy", "phlebotomy")
    target_seconds = 150
    actions = {"review": Review}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        _, provider, _ = rng.choice(PROVIDERS)
        codes = rng.sample(sorted(TESTS), rng.randint(1, 3))
        diagnoses = rng.sample(sorted(DIAGNOSES), rng.randint(1, 2))
        _, payer_name = payer(rng)
        requisition: dict[str, Any] = {
            "patient": patient.full_name,
            "dob": patient.dob.isoformat(),
            "provider": provider,
            "npi": "1234567893",
            "tests": [f"{TESTS[c].name} ({TESTS[c].cpt})" for c in codes],
            "diagnoses": [f"{d} {DIAGNOSES[d]}" for d in diagnoses],
            "bill_to": "Insurance",
            "payer": payer_name,
            "member_id": member_id(rng),
        }
        defects = rng.sample(sorted(PROBLEMS), rng.choice([0, 1, 1, 2]))
        if "missing-provider" in defects:
            requisition["provider"], requisition["npi"] = "", ""
        if "missing-test" in defects:
            requisition["tests"] = []
        if "missing-diagnosis" in defects:
            requisition["diagnoses"] = []
        if "missing-billing" in defects:
            requisition[rng.choice(["payer", "member_id"])] = ""
        facts = {"requisition": requisition, "problems": PROBLEMS}
        answer = {"problems": sorted(defects), "decision": "hold" if defects else "accept"}
        return Case(
            type=self.code,
            seed=seed,
            title=f"Requisition for {patient.full_name}",
            brief=f"{patient.full_name} hands you a lab requisition. Review it before the draw.",
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "review")
        if done is None:
            return [self.missing("not-reviewed", "The requisition was not reviewed.")]
        given = Review.model_validate(done.payload)
        want = set(case.answer["problems"])
        findings = [
            self.finding(f"missed-{p}", Severity.MAJOR, f"Missed: {PROBLEMS[p].lower()}.", done.seq)
            for p in sorted(want - set(given.problems))
        ]
        findings += [
            self.finding(
                f"false-{p}", Severity.MINOR, f"Flagged but present: {PROBLEMS[p].lower()}.", done.seq
            )
            for p in sorted(set(given.problems) - want)
        ]
        if given.decision != case.answer["decision"]:
            severity = Severity.MAJOR if want else Severity.MINOR
            message = (
                "A requisition with missing information must be held until the ordering office completes it."
                if want
                else "Nothing is missing: the requisition can be accepted."
            )
            findings.append(self.finding("decision-wrong", severity, message, done.seq))
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        return [("review", {"problems": case.answer["problems"], "decision": case.answer["decision"]})]
