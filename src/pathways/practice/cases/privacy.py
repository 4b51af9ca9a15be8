"""Privacy at the desk: disclose, verify first, or refuse; and share only the minimum necessary.

Disclosing what should be refused, or skipping verification before disclosing, or sharing more than the
request needs, are privacy breaches (critical). Refusing what may be shared is a major error (care delayed).
"""

from typing import Any, Literal

from pydantic import Field

from pathways.practice.cases.base import Action, Case, CaseKind, Finding, Payload, Severity, last, rng_for
from pathways.practice.cases.synthetic import person

Decision = Literal["disclose", "verify", "refuse"]
Item = Literal["appointment", "results", "drug-screen", "all-results", "insurance", "history"]
ITEMS = {
    "appointment": "The time of the next appointment",
    "results": "The results of today's tests",
    "drug-screen": "The drug screen result only",
    "all-results": "Every result on the requisition",
    "insurance": "Insurance and billing details",
    "history": "Visit history",
}
# (key, who asks, how, what they ask, what is on file, expected decision, items to share)
SCENARIOS: list[tuple[str, str, str, str, str, Decision, tuple[str, ...]]] = [
    (
        "spouse-no-authorization",
        "the patient's spouse",
        "at the desk",
        "the results of today's blood tests",
        "No authorization to share information with anyone is on file.",
        "refuse",
        (),
    ),
    (
        "spouse-authorized",
        "a caller who says he is the patient's husband",
        "on the phone",
        "the results of today's tests",
        "The patient's signed authorization lists her husband for test results.",
        "verify",
        ("results",),
    ),
    (
        "employer-no-authorization",
        "the patient's employer (HR)",
        "on the phone",
        "whether the patient came in today and the results",
        "No authorization for the employer is on file.",
        "refuse",
        (),
    ),
    (
        "employer-drug-screen",
        "the patient's employer (the designated drug-testing contact)",
        "on the phone",
        "the pre-employment results",
        "A signed authorization lets this employer receive the drug screen result.",
        "verify",
        ("drug-screen",),
    ),
    (
        "patient-by-phone",
        "a caller who says she is the patient",
        "on the phone",
        "her test results",
        "Results are released to the patient once identity is confirmed.",
        "verify",
        ("results",),
    ),
    (
        "parent-of-adult",
        "the mother of a 24-year-old patient",
        "at the desk",
        "when her son's next appointment is",
        "No authorization or personal-representative record is on file.",
        "refuse",
        (),
    ),
    (
        "parent-of-minor",
        "a parent of a 10-year-old patient",
        "at the desk",
        "the time of the child's next visit",
        "The parent is the child's guardian on record.",
        "verify",
        ("appointment",),
    ),
    (
        "police-no-warrant",
        "a police officer",
        "at the desk",
        "whether the patient was here this morning",
        "No warrant, subpoena or court order is presented.",
        "refuse",
        (),
    ),
    (
        "patient-in-person",
        "the patient herself, identified with photo ID at check-in minutes ago",
        "at the desk",
        "the time of her next appointment",
        "Identity was verified at check-in.",
        "disclose",
        ("appointment",),
    ),
]


class Respond(Payload):
    decision: Decision
    items: list[Item] = Field(default_factory=list, max_length=len(ITEMS))


class Privacy(CaseKind):
    code = "privacy"
    name = "Privacy request"
    family = "privacy"
    summary = "Someone asks about a patient: disclose, verify first or refuse, sharing only what is needed."
    competencies = ("privacy-compliance", "decision-quality")
    target_seconds = 120
    actions = {"respond": Respond}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        key, who, how, asks, on_file, decision, items = SCENARIOS[rng.randrange(len(SCENARIOS))]
        patient = person(rng)
        offered = list(ITEMS)
        rng.shuffle(offered)
        facts: dict[str, Any] = {
            "scenario": key,
            "patient": patient.full_name,
            "who": who,
            "channel": how,
            "asks": asks,
            "on_file": on_file,
            "items": [{"key": k, "label": ITEMS[k]} for k in offered],
        }
        why = {
            "refuse": "Nothing on file allows this disclosure; decline politely and offer to pass a message.",
            "verify": "Disclosure is allowed, but only once you have confirmed who you are talking to.",
            "disclose": "The patient's identity is already confirmed; answer the question asked.",
        }[decision]
        answer = {"decision": decision, "items": list(items), "why": why}
        brief = f"{who[0].upper()}{who[1:]} asks you {how} for {asks} about {patient.full_name}. {on_file}"
        return Case(
            type=self.code,
            seed=seed,
            title="A request for information",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "respond")
        if done is None:
            return [self.missing("no-response", "The request was not answered.")]
        given = Respond.model_validate(done.payload)
        want, step = case.answer, done.seq
        shares = given.decision != "refuse" and bool(given.items)
        findings = []
        if want["decision"] == "refuse":
            if shares:
                findings.append(
                    self.finding(
                        "disclosed-without-permission",
                        Severity.CRITICAL,
                        f"Information was shared that must not be. {want['why']}",
                        step,
                    )
                )
            elif given.decision != "refuse":
                findings.append(
                    self.finding(
                        "should-refuse",
                        Severity.MAJOR,
                        f"Verifying the caller does not make this disclosure allowed. {want['why']}",
                        step,
                    )
                )
            return findings
        if given.decision == "refuse":
            return [
                self.finding(
                    "refused-allowed-request",
                    Severity.MAJOR,
                    f"This request may be answered. {want['why']}",
                    step,
                )
            ]
        if want["decision"] == "verify" and given.decision == "disclose":
            findings.append(
                self.finding(
                    "disclosed-unverified",
                    Severity.CRITICAL,
                    "Information was disclosed before the requester's identity or authority was verified.",
                    step,
                )
            )
        extra = sorted(set(given.items) - set(want["items"]))
        if extra:
            findings.append(
                self.finding(
                    "more-than-necessary",
                    Severity.CRITICAL,
                    "More than the minimum necessary was shared: "
                    f"{', '.join(ITEMS.get(i, i) for i in extra)}.",
                    step,
                )
            )
        if set(want["items"]) - set(given.items):
            findings.append(
                self.finding(
                    "less-than-asked",
                    Severity.MINOR,
                    "The requester was entitled to the information asked for and did not get it.",
                    step,
                )
            )
        if want["decision"] == "disclose" and given.decision == "verify":
            findings.append(
                self.finding(
                    "needless-verification",
                    Severity.MINOR,
                    "Identity had already been verified at check-in.",
                    step,
                    "decision-quality",
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        return [("respond", {"decision": case.answer["decision"], "items": case.answer["items"]})]
