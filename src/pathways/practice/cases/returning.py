"""A returning patient with changed details and two new coverages.

The old coverage is end-dated on the day it ended. Which plan is primary: a plan that covers the patient as
the subscriber comes before one that covers them as a dependent; for a child covered by both parents, the
parent whose birthday (month and day) falls earlier in the year is primary (the birthday rule).
"""

import datetime as dt
from typing import Any

from pydantic import Field

from pathways.practice.cases.base import Action, Case, Finding, Payload, Severity, last, normal_text, rng_for
from pathways.practice.cases.registration import PatientIndexCase, Relationship, Search, Select, decoys
from pathways.practice.cases.synthetic import (
    PRACTICE_DAY,
    Person,
    group_number,
    member_id,
    mrn,
    payer,
    person,
)


class Update(Payload):
    mrn: str = Field(min_length=1, max_length=20)
    address: str = Field(min_length=1, max_length=120)
    city: str = Field(min_length=1, max_length=60)
    state: str = Field(min_length=2, max_length=2)
    zip: str = Field(min_length=5, max_length=10)
    phone: str = Field(min_length=7, max_length=20)
    end_coverage_id: str | None = Field(default=None, max_length=20)
    end_date: dt.date | None = None
    primary_payer: str = Field(min_length=1, max_length=80)
    primary_member_id: str = Field(min_length=1, max_length=20)
    primary_relationship: Relationship
    secondary_payer: str = Field(min_length=1, max_length=80)
    secondary_member_id: str = Field(min_length=1, max_length=20)
    secondary_relationship: Relationship


def birthday_key(day: dt.date) -> tuple[int, int]:
    return (day.month, day.day)


def order_cards(cards: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The cards as (primary, secondary), and the rule that decided it."""
    own = [c for c in cards if c["relationship"] == "self"]
    if own:
        rest = [c for c in cards if c is not own[0]]
        return [own[0], *rest], "The plan that covers the patient as the subscriber is primary."
    ordered = sorted(cards, key=lambda c: birthday_key(dt.date.fromisoformat(c["subscriber_dob"])))
    return ordered, "Birthday rule: the parent whose birthday comes first in the year holds the primary plan."


class ReturningRegistration(PatientIndexCase):
    code = "registration-returning"
    name = "Returning patient, changed details"
    family = "registration"
    summary = "Update a returning patient's details, end-date the old coverage and order two new ones."
    competencies = ("registration-accuracy", "insurance-verification")
    target_seconds = 360
    actions = {"search": Search, "select_patient": Select, "update_registration": Update}

    def _card(self, rng: Any, holder: Person, relationship: str) -> dict[str, Any]:
        _, payer_name = payer(rng)
        return {
            "payer": payer_name,
            "member_id": member_id(rng),
            "group_number": group_number(rng),
            "subscriber": holder.full_name,
            "subscriber_dob": holder.dob.isoformat(),
            "relationship": relationship,
        }

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        child = rng.random() < 0.4
        patient = person(rng, 4, 15) if child else person(rng, 25, 60)
        moved = person(rng)
        if child:
            mother, father = person(rng, 30, 50), person(rng, 30, 50)
            while birthday_key(mother.dob) == birthday_key(father.dob):
                father = person(rng, 30, 50)
            cards = [self._card(rng, mother, "child"), self._card(rng, father, "child")]
        else:
            cards = [self._card(rng, patient, "self"), self._card(rng, person(rng, 25, 60), "spouse")]
        while cards[0]["payer"] == cards[1]["payer"]:
            cards[1]["payer"] = payer(rng)[1]
        rng.shuffle(cards)
        ordered, rule = order_cards(cards)
        record_number = mrn(rng)
        old_payer = payer(rng)[1]
        ended = PRACTICE_DAY.replace(day=1) - dt.timedelta(days=rng.choice([1, 32]))
        ended = ended.replace(day=28) + dt.timedelta(days=4)
        ended = ended - dt.timedelta(days=ended.day)  # the last day of that month
        record = {
            "mrn": record_number,
            "first": patient.first,
            "last": patient.last,
            "dob": patient.dob.isoformat(),
            "phone": patient.phone,
            "address": patient.address,
            "city": patient.city,
            "state": patient.state,
            "zip": patient.zip,
            "coverages": [
                {
                    "id": "COV-1",
                    "payer": old_payer,
                    "member_id": member_id(rng),
                    "order": "primary",
                    "start": "2023-01-01",
                    "end": None,
                }
            ],
        }
        index = [record, *decoys(rng, record, 2)]
        rng.shuffle(index)
        who = "Their parent says" if child else "They say"
        brief = (
            f"{patient.full_name} (born {patient.dob.isoformat()}) is back for a visit. {who} they moved to "
            f"{moved.address}, {moved.city}, {moved.state} {moved.zip}, the phone is now {moved.phone}, and "
            f"the {old_payer} coverage ended on {ended.isoformat()}. You are handed two new insurance cards. "
            "Update the registration."
        )
        fields = {
            "mrn": record_number,
            "address": moved.address,
            "city": moved.city,
            "state": moved.state,
            "zip": moved.zip,
            "phone": moved.phone,
        }
        answer = {
            "fields": fields,
            "end_coverage_id": "COV-1",
            "end_date": ended.isoformat(),
            "primary": ordered[0],
            "secondary": ordered[1],
            "rule": rule,
        }
        facts = {
            "patient": {"name": patient.full_name, "dob": patient.dob.isoformat()},
            "cards": cards,
            "says": {
                "address": moved.address,
                "city": moved.city,
                "state": moved.state,
                "zip": moved.zip,
                "phone": moved.phone,
                "old_plan_ended": ended.isoformat(),
            },
        }
        return Case(
            type=self.code,
            seed=seed,
            title=f"Update {patient.full_name}'s registration",
            brief=brief,
            facts=facts,
            answer=answer,
            hidden={"index": index},
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "update_registration")
        if done is None:
            return [self.missing("not-updated", "The registration was not updated.")]
        given = Update.model_validate(done.payload)
        answer, step = case.answer, done.seq
        if normal_text(given.mrn) != answer["fields"]["mrn"]:
            return [
                self.finding(
                    "wrong-patient-record",
                    Severity.CRITICAL,
                    "The update was written into another person's record.",
                    step,
                )
            ]
        findings = self.field_findings(answer["fields"], given.model_dump(mode="json"), step)
        if normal_text(given.end_coverage_id) != answer["end_coverage_id"] or given.end_date is None:
            findings.append(
                self.finding(
                    "old-coverage-open",
                    Severity.MAJOR,
                    "The old coverage was not end-dated, so claims would still go to it.",
                    step,
                )
            )
        elif given.end_date.isoformat() != answer["end_date"]:
            findings.append(
                self.finding(
                    "end-date-wrong", Severity.MINOR, f"The old coverage ended on {answer['end_date']}.", step
                )
            )
        primary, secondary = answer["primary"], answer["secondary"]
        if normal_text(given.primary_member_id) == normal_text(secondary["member_id"]):
            findings.append(
                self.finding(
                    "coverage-order",
                    Severity.MAJOR,
                    f"Primary and secondary are the wrong way round. {answer['rule']}",
                    step,
                    "insurance-verification",
                )
            )
        else:
            for slot, card, member, relationship in (
                ("primary", primary, given.primary_member_id, given.primary_relationship),
                ("secondary", secondary, given.secondary_member_id, given.secondary_relationship),
            ):
                if normal_text(member) != normal_text(card["member_id"]):
                    findings.append(
                        self.finding(
                            f"{slot}-member-id",
                            Severity.MAJOR,
                            f"The {slot} member id should be {card['member_id']}.",
                            step,
                            "insurance-verification",
                        )
                    )
                if relationship != card["relationship"]:
                    findings.append(
                        self.finding(
                            f"{slot}-relationship",
                            Severity.MINOR,
                            f"On the {slot} plan the patient is the subscriber's {card['relationship']}.",
                            step,
                        )
                    )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        a = case.answer
        update = dict(a["fields"]) | {
            "end_coverage_id": a["end_coverage_id"],
            "end_date": a["end_date"],
            "primary_payer": a["primary"]["payer"],
            "primary_member_id": a["primary"]["member_id"],
            "primary_relationship": a["primary"]["relationship"],
            "secondary_payer": a["secondary"]["payer"],
            "secondary_member_id": a["secondary"]["member_id"],
            "secondary_relationship": a["secondary"]["relationship"],
        }
        patient = case.facts["patient"]
        search = {"last_name": patient["name"].split()[-1], "dob": patient["dob"]}
        return [
            ("search", search),
            ("select_patient", {"mrn": a["fields"]["mrn"]}),
            ("update_registration", update),
        ]
