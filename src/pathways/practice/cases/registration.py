"""Registration from an ID card and an insurance card: search the patient index first, then capture exactly.

Creating a record for a patient who already has one is a duplicate (major); writing into someone else's
record is a wrong-patient error (critical). Identity fields (name, date of birth, member id) mismatched are
major; the rest minor.
"""

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import Field

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Payload,
    Severity,
    digits,
    first,
    last,
    normal_text,
    rng_for,
)
from pathways.practice.cases.synthetic import FIRST_NAMES, group_number, member_id, mrn, payer, person

Relationship = Literal["self", "spouse", "child", "other"]


class Search(Payload):
    last_name: str = Field(min_length=1, max_length=60)
    first_name: str | None = Field(default=None, max_length=60)
    dob: dt.date | None = None


class Select(Payload):
    mrn: str = Field(min_length=1, max_length=20)


class Register(Payload):
    mode: Literal["new", "existing"]
    mrn: str | None = Field(default=None, max_length=20)
    first: str = Field(min_length=1, max_length=60)
    last: str = Field(min_length=1, max_length=60)
    dob: dt.date
    address: str = Field(min_length=1, max_length=120)
    city: str = Field(min_length=1, max_length=60)
    state: str = Field(min_length=2, max_length=2)
    zip: str = Field(min_length=5, max_length=10)
    phone: str = Field(min_length=7, max_length=20)
    payer: str = Field(min_length=1, max_length=80)
    member_id: str = Field(min_length=1, max_length=20)
    group_number: str | None = Field(default=None, max_length=20)
    relationship: Relationship = "self"


def search_index(index: list[dict[str, Any]], query: dict[str, Any]) -> list[dict[str, Any]]:
    wanted_last = normal_text(query["last_name"])
    wanted_first = normal_text(query.get("first_name"))
    dob = query.get("dob")
    found = []
    for record in index:
        if not normal_text(record["last"]).startswith(wanted_last):
            continue
        if wanted_first and not normal_text(record["first"]).startswith(wanted_first):
            continue
        if dob and record["dob"] != str(dob):
            continue
        found.append({k: record[k] for k in ("mrn", "first", "last", "dob", "phone")})
    return found


class PatientIndexCase(CaseKind):
    """The patient index both registration cases search and select from."""

    IDENTITY: ClassVar[set[str]] = {"first", "last", "dob", "member_id"}

    def respond(
        self, case: Case, kind: str, payload: dict[str, Any], history: list[Action]
    ) -> dict[str, Any]:
        index = case.hidden["index"]
        if kind == "search":
            return {"matches": search_index(index, payload)}
        if kind == "select_patient":
            record = next((r for r in index if r["mrn"] == payload["mrn"].upper()), None)
            return {"record": record} if record else {"message": f"No record {payload['mrn']}."}
        return {}

    def field_findings(self, expected: dict[str, Any], given: dict[str, Any], step: int) -> list[Finding]:
        findings = []
        for key, want in expected.items():
            have = given.get(key)
            same = (
                digits(have) == digits(want)
                if key in ("phone", "zip")
                else normal_text(have) == normal_text(want)
            )
            if not same:
                severity = Severity.MAJOR if key in self.IDENTITY else Severity.MINOR
                findings.append(
                    self.finding(
                        f"field-{key.replace('_', '-')}",
                        severity,
                        f"{key.replace('_', ' ').capitalize()} should be '{want}'.",
                        step,
                    )
                )
        return findings


def decoys(rng: Any, target: dict[str, Any], count: int) -> list[dict[str, Any]]:
    made = []
    for number in range(count):
        other = person(rng)
        record = {
            "mrn": mrn(rng),
            "first": other.first,
            "last": target["last"],
            "dob": other.dob.isoformat(),
            "phone": other.phone,
            "address": other.address,
        }
        if number == 0:  # same name, another person: the classic wrong-patient trap
            record["first"] = target["first"]
        elif record["first"] == target["first"]:
            record["first"] = next(n for n in FIRST_NAMES if n != target["first"])
        made.append(record)
    return made


class NewRegistration(PatientIndexCase):
    code = "registration-new"
    name = "New-patient registration"
    family = "registration"
    summary = "Register a patient from their ID and insurance cards; search before you create."
    competencies = ("registration-accuracy", "decision-quality")
    target_seconds = 300
    actions = {"search": Search, "select_patient": Select, "register": Register}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        _, payer_name = payer(rng)
        card = {
            "payer": payer_name,
            "member_id": member_id(rng),
            "group_number": group_number(rng),
            "subscriber": patient.full_name,
            "relationship": "self",
        }
        fields = {
            "first": patient.first,
            "last": patient.last,
            "dob": patient.dob.isoformat(),
            "address": patient.address,
            "city": patient.city,
            "state": patient.state,
            "zip": patient.zip,
            "phone": patient.phone,
            "payer": payer_name,
            "member_id": card["member_id"],
            "group_number": card["group_number"],
            "relationship": "self",
        }
        index = decoys(rng, fields, 2)
        known = rng.random() < 0.35
        record_number = None
        if known:  # seen here years ago; says it is their first visit
            record_number = mrn(rng)
            index.append(
                {
                    "mrn": record_number,
                    "first": patient.first,
                    "last": patient.last,
                    "dob": fields["dob"],
                    "phone": "702-555-0100",
                    "address": "1 Old Address Road",
                }
            )
        rng.shuffle(index)
        facts = {
            "id_card": {k: fields[k] for k in ("first", "last", "dob", "address", "city", "state", "zip")}
            | {"id_number": f"TEST-ID-{rng.randint(100000, 999999)}", "sex": patient.sex},
            "insurance_card": card,
            "says": {"phone": patient.phone},
        }
        answer = {"mode": "existing" if known else "new", "mrn": record_number, "fields": fields}
        return Case(
            type=self.code,
            seed=seed,
            title=f"Register {patient.full_name}",
            brief=f"{patient.full_name} says this is their first visit and hands you a photo-free ID card "
            f"and an insurance card. Their phone number is {patient.phone}. Register them.",
            facts=facts,
            answer=answer,
            hidden={"index": index},
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "register")
        if done is None:
            return [self.missing("not-registered", "The patient was not registered.")]
        given = Register.model_validate(done.payload)
        answer = case.answer
        findings = []
        searched = first(actions, "search")
        if searched is None or searched.seq > done.seq:
            findings.append(
                self.finding(
                    "no-search", Severity.MINOR, "Search the patient index before registering.", done.seq
                )
            )
        if answer["mode"] == "existing" and given.mode == "new":
            findings.append(
                self.finding(
                    "duplicate-record",
                    Severity.MAJOR,
                    f"The patient already has record {answer['mrn']}; a second record was created.",
                    done.seq,
                )
            )
        elif given.mode == "existing" and (given.mrn or "").upper() != (answer["mrn"] or ""):
            findings.append(
                self.finding(
                    "wrong-patient-record",
                    Severity.CRITICAL,
                    "The registration was written into another person's record.",
                    done.seq,
                )
            )
        return findings + self.field_findings(answer["fields"], given.model_dump(mode="json"), done.seq)

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        a = case.answer
        register = dict(a["fields"]) | {"mode": a["mode"], "mrn": a["mrn"]}
        search = {"last_name": a["fields"]["last"], "dob": a["fields"]["dob"]}
        return [("search", search), ("register", register)]
