"""Patient identification and specimen labelling at the draw station.

Two identifiers (full name and date of birth, or an assigned id or phone number; never a room or chair
number) asked open-ended ("Please tell me your full name and date of birth"), matched to the requisition.
A closed question ("Are you ...?") invites a "yes" from anyone. Drawing on a mismatch, drawing with fewer
than two identifiers, or a label that does not match the requisition are critical. Tubes are labelled at
the chair, in the patient's presence, right after the draw.
"""

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Payload,
    Severity,
    TimeOfDay,
    first,
    last,
    normal_text,
    rng_for,
)
from pathways.practice.cases.synthetic import FIRST_NAMES, person

Identifier = Literal["name", "dob", "phone", "room", "address-street"]
ACCEPTED = {"name", "dob", "phone"}
IDENTIFIERS = {
    "name": "Full name",
    "dob": "Date of birth",
    "phone": "Phone number",
    "room": "Chair or room number",
    "address-street": "Street only",
}


class Ask(Payload):
    style: Literal["open", "closed"]
    identifiers: list[Identifier] = Field(min_length=1, max_length=5)


class Verify(Payload):
    decision: Literal["proceed", "stop"]


class Label(Payload):
    when: Literal["at-chair-after-draw", "before-draw", "later-at-bench"]
    name: str = Field(min_length=1, max_length=120)
    dob: dt.date
    collected_at: TimeOfDay
    initials: str = Field(min_length=2, max_length=4)


class Identification(CaseKind):
    code = "identification"
    name = "Patient identification and labelling"
    family = "identification"
    summary = "Identify the patient with two identifiers, asked open-ended, and label the tubes at the chair."
    competencies = ("phlebotomy", "listening")
    target_seconds = 150
    actions = {"ask": Ask, "verify": Verify, "label": Label}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        mismatch = rng.choice([None, None, "dob", "name"])
        in_chair = {"name": patient.full_name, "dob": patient.dob.isoformat(), "phone": patient.phone}
        if mismatch == "dob":
            in_chair["dob"] = (patient.dob + dt.timedelta(days=rng.choice([1, 31, 366]))).isoformat()
        elif mismatch == "name":
            other = next(n for n in FIRST_NAMES if n != patient.first)
            in_chair["name"] = f"{other} {patient.last}"
        facts: dict[str, Any] = {
            "requisition": {
                "name": patient.full_name,
                "dob": patient.dob.isoformat(),
                "phone": patient.phone,
                "tests": ["Complete blood count", "Comprehensive metabolic panel"],
            },
            "identifiers": IDENTIFIERS,
            "draw_time": "09:40",
        }
        answer = {
            "decision": "stop" if mismatch else "proceed",
            "mismatch": mismatch,
            "label": {"name": patient.full_name, "dob": patient.dob.isoformat(), "collected_at": "09:40"},
        }
        brief = (
            f"You call {patient.full_name} to the draw station. Identify the patient against the "
            "requisition, decide whether to draw, and label the tubes."
        )
        return Case(
            type=self.code,
            seed=seed,
            title="Identify and label",
            brief=brief,
            facts=facts,
            answer=answer,
            hidden={"in_chair": in_chair},
        )

    def respond(
        self, case: Case, kind: str, payload: dict[str, Any], history: list[Action]
    ) -> dict[str, Any]:
        if kind != "ask":
            return {}
        if payload["style"] == "closed":
            return {"patient_says": "Yes, that's me."}  # a closed question gets a yes, right or wrong
        said = case.hidden["in_chair"]
        return {
            "patient_says": {k: said[k] for k in payload["identifiers"] if k in said}
            | {k: "(points at the chair)" for k in payload["identifiers"] if k == "room"}
        }

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        asked = first(actions, "ask")
        verified = last(actions, "verify")
        if asked is None or verified is None:
            return [
                self.finding(
                    "not-identified",
                    Severity.CRITICAL,
                    "The patient was not identified before the draw decision.",
                )
            ]
        question = Ask.model_validate(asked.payload)
        findings = []
        if len(set(question.identifiers) & ACCEPTED) < 2:
            findings.append(
                self.finding(
                    "one-identifier",
                    Severity.CRITICAL,
                    "Two identifiers are required (name, date of birth, phone); a room or chair is not one.",
                    asked.seq,
                )
            )
        if question.style == "closed":
            findings.append(
                self.finding(
                    "closed-question",
                    Severity.MAJOR,
                    "Ask open-ended: 'Please tell me your full name and date of birth.' A closed question "
                    "gets a yes from the wrong patient too.",
                    asked.seq,
                    "listening",
                )
            )
        decision = verified.payload["decision"]
        if case.answer["decision"] == "stop":
            if decision == "proceed":
                findings.append(
                    self.finding(
                        "drew-on-mismatch",
                        Severity.CRITICAL,
                        f"The patient's {case.answer['mismatch']} does not match the requisition; never "
                        "draw until it is resolved.",
                        verified.seq,
                    )
                )
            return findings
        if decision == "stop":
            return [
                *findings,
                self.finding(
                    "stopped-on-match",
                    Severity.MAJOR,
                    "The identifiers matched; the draw was held for no reason.",
                    verified.seq,
                ),
            ]
        return findings + self._label(case, last(actions, "label"))

    def _label(self, case: Case, labelled: Action | None) -> list[Finding]:
        if labelled is None:
            return [self.missing("unlabelled", "The tubes were not labelled.")]
        label = Label.model_validate(labelled.payload)
        want = case.answer["label"]
        findings = []
        if normal_text(label.name) != normal_text(want["name"]) or label.dob.isoformat() != want["dob"]:
            findings.append(
                self.finding(
                    "label-mismatch",
                    Severity.CRITICAL,
                    "The label does not match the requisition (name and date of birth).",
                    labelled.seq,
                )
            )
        if label.when != "at-chair-after-draw":
            findings.append(
                self.finding(
                    "labelled-away",
                    Severity.MAJOR,
                    "Label the tubes at the chair, in the patient's presence, right after the draw.",
                    labelled.seq,
                )
            )
        if label.collected_at != want["collected_at"]:
            findings.append(
                self.finding(
                    "collection-time",
                    Severity.MINOR,
                    f"The collection time is {want['collected_at']}.",
                    labelled.seq,
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        steps: list[tuple[str, dict[str, Any]]] = [
            ("ask", {"style": "open", "identifiers": ["name", "dob"]}),
            ("verify", {"decision": case.answer["decision"]}),
        ]
        if case.answer["decision"] == "proceed":
            label = case.answer["label"]
            steps.append(
                (
                    "label",
                    {
                        "when": "at-chair-after-draw",
                        "name": label["name"],
                        "dob": label["dob"],
                        "collected_at": label["collected_at"],
                        "initials": "PSR",
                    },
                )
            )
        return steps
