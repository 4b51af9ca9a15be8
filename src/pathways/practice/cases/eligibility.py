"""Eligibility check: send the inquiry, read the payer's 271 (or FHIR) reply, and decide what happens next.

The decision rule: active coverage in network -> proceed; active but the provider is out of network, or the
coverage is inactive -> give a self-pay estimate before the visit; the payer rejected the inquiry (it could
not find or could not confirm the member) -> the non-urgent visit is rescheduled until coverage is confirmed.
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
    derived_seed,
    first,
    last,
    rng_for,
    to_cents,
    usd,
)
from pathways.practice.cases.fhir_eligibility import response_json
from pathways.practice.cases.payer import REJECT_REASONS, Benefits, Inquiry
from pathways.practice.cases.synthetic import PRACTICE_DAY, member_id, payer, person
from pathways.practice.cases.x12_271 import LEGEND, build_271

Decision = Literal["proceed", "self-pay-estimate", "reschedule"]
CLINIC = ("Pathways Practice Clinic", "1234567893")  # the NPI is the check-digit example from CMS


def decision_for(benefits: Benefits) -> Decision:
    if benefits.status == "rejected":
        return "reschedule"
    if benefits.status == "inactive" or benefits.network == "out":
        return "self-pay-estimate"
    return "proceed"


class Check(Payload):
    member_id: str = Field(min_length=1, max_length=20)


class Answer(Payload):
    status: Literal["active", "inactive", "rejected"]
    network: Literal["in", "out"] | None = None
    copay: Money | None = None
    deductible_remaining: Money | None = None
    coinsurance_percent: int | None = Field(default=None, ge=0, le=100)
    oop_remaining: Money | None = None
    decision: Decision


def simulated_benefits(rng: Any) -> Benefits:
    roll = rng.random()
    if roll < 0.15:
        return Benefits(status="rejected", reject_code=rng.choice(sorted(REJECT_REASONS)))
    if roll < 0.3:
        return Benefits(status="inactive")
    deductible = rng.choice([50000, 150000, 300000])
    oop_max = rng.choice([300000, 600000])
    return Benefits(
        status="active",
        network="out" if rng.random() < 0.25 else "in",
        copay_cents=rng.choice([None, 2500, 4000]),
        deductible_cents=deductible,
        deductible_remaining_cents=rng.choice([0, deductible // 2, deductible]),
        coinsurance_percent=rng.choice([10, 20, 30]),
        oop_max_cents=oop_max,
        oop_remaining_cents=oop_max - rng.choice([0, 45000, 120000]),
    )


class Eligibility(CaseKind):
    code = "eligibility"
    name = "Eligibility check"
    family = "eligibility"
    summary = (
        "Check coverage, read the payer's 271 reply and decide: proceed, self-pay estimate or reschedule."
    )
    competencies = ("insurance-verification", "decision-quality")
    target_seconds = 240
    actions = {"check": Check, "answer": Answer}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        payer_id, payer_name = payer(rng)
        benefits = simulated_benefits(rng)
        card_member = member_id(rng)
        inquiry = Inquiry(
            payer_id=payer_id,
            payer_name=payer_name,
            provider_name=CLINIC[0],
            provider_npi=CLINIC[1],
            first=patient.first,
            last=patient.last,
            dob=patient.dob,
            sex=patient.sex,
            member_id=card_member,
            plan_name=f"{payer_name} Choice",
            plan_begin=dt.date(PRACTICE_DAY.year, 1, 1),
            plan_end=PRACTICE_DAY - dt.timedelta(days=rng.randint(20, 60))
            if benefits.status == "inactive"
            else None,
            trace=f"PRX{seed % 10_000_000:07d}",
            control_number=derived_seed("isa", seed) % 999_999_999 + 1,
            created=dt.datetime.combine(PRACTICE_DAY, dt.time(8, rng.randint(0, 59)), tzinfo=dt.UTC),
        )
        facts: dict[str, Any] = {
            "patient": {"name": patient.full_name, "dob": patient.dob.isoformat()},
            "card": {"payer": payer_name, "member_id": card_member},
            "visit": "Office visit with Dr. Avery Mockridge (family medicine), not urgent",
            "x12_271": build_271(inquiry, benefits),
            "fhir": response_json(inquiry, benefits),
            "legend": LEGEND,
            "reject_reasons": REJECT_REASONS,
        }
        answer = benefits.model_dump() | {"decision": decision_for(benefits)}
        return Case(
            type=self.code,
            seed=seed,
            title=f"Eligibility for {patient.full_name}",
            brief=f"{patient.full_name} is here for a non-urgent office visit. Check eligibility with "
            f"{payer_name}, read the reply, record what it says and decide how to go on.",
            facts=facts,
            answer=answer,
        )

    def respond(
        self, case: Case, kind: str, payload: dict[str, Any], history: list[Action]
    ) -> dict[str, Any]:
        if kind == "check":
            return {"x12_271": case.facts["x12_271"], "fhir": case.facts["fhir"]}
        return {}

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        answered = last(actions, "answer")
        if answered is None:
            return [self.missing("no-decision", "No eligibility decision was recorded.")]
        given = Answer.model_validate(answered.payload)
        want = Benefits.model_validate(case.answer)
        step = answered.seq
        findings: list[Finding] = []
        checked = first(actions, "check")
        if checked is None or checked.seq > step:
            findings.append(
                self.finding(
                    "not-checked",
                    Severity.MAJOR,
                    "The decision was made without checking eligibility first.",
                    step,
                )
            )
        elif checked.payload["member_id"].strip().upper() != case.facts["card"]["member_id"]:
            findings.append(
                self.finding(
                    "wrong-member-id",
                    Severity.MINOR,
                    "The inquiry was sent with a member id other than the card's.",
                    checked.seq,
                )
            )
        decision = case.answer["decision"]
        if given.decision != decision:
            findings.append(
                self.finding(
                    "decision-wrong",
                    Severity.MAJOR,
                    f"The right next step is '{decision}', not '{given.decision}'.",
                    step,
                    "decision-quality",
                )
            )
        if given.status != want.status:
            findings.append(
                self.finding(
                    "status-misread",
                    Severity.MAJOR,
                    f"The coverage status is {want.status}, not {given.status}.",
                    step,
                )
            )
        if want.status != "active":
            return findings
        if given.network != want.network:
            findings.append(
                self.finding(
                    "network-misread", Severity.MINOR, f"The provider is {want.network}-network.", step
                )
            )
        for key, value, expected, label in (
            ("copay", given.copay, want.copay_cents, "copay"),
            (
                "deductible",
                given.deductible_remaining,
                want.deductible_remaining_cents,
                "deductible remaining",
            ),
            ("oop", given.oop_remaining, want.oop_remaining_cents, "out-of-pocket remaining"),
        ):
            if (None if value is None else to_cents(value)) != expected:
                findings.append(
                    self.finding(
                        f"{key}-misread",
                        Severity.MINOR,
                        f"The {label} is {'not given' if expected is None else usd(expected)}.",
                        step,
                    )
                )
        if given.coinsurance_percent != want.coinsurance_percent:
            findings.append(
                self.finding(
                    "coinsurance-misread",
                    Severity.MINOR,
                    f"The coinsurance is {want.coinsurance_percent}%.",
                    step,
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        a = case.answer

        def dollars(key: str) -> float | None:
            return None if a[key] is None else a[key] / 100

        return [
            ("check", {"member_id": case.facts["card"]["member_id"]}),
            (
                "answer",
                {
                    "status": a["status"],
                    "network": a["network"],
                    "copay": dollars("copay_cents"),
                    "deductible_remaining": dollars("deductible_remaining_cents"),
                    "coinsurance_percent": a["coinsurance_percent"],
                    "oop_remaining": dollars("oop_remaining_cents"),
                    "decision": a["decision"],
                },
            ),
        ]
