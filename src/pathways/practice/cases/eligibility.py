"""Eligibility check: send the inquiry, read the payer's 271 (or FHIR) reply, and decide what happens next.

The decision rule, one next step per kind of reply:
- Active coverage, provider in network: proceed with the visit.
- Active coverage, provider out of network, and the plan has out-of-network benefits (the 271 reports
  deductible, coinsurance and out-of-pocket lines with EB12 = N): give an out-of-network estimate from
  those benefits. The plan still pays its share, so a self-pay estimate would overcharge the patient.
- Active coverage, provider out of network, and the plan pays nothing out of network (EB01 = I, non-covered,
  with EB12 = N): give a self-pay estimate before the visit.
- Coverage inactive (EB01 = 6, with the plan's end date): give a self-pay estimate before the visit.
- The payer rejected the inquiry (an AAA segment): AAA04, the follow-up action, says what to do.
  AAA03 42 "unable to respond at current time" comes with AAA04 R, "resubmission allowed": nothing is wrong
  with the inquiry, so send it again later; the visit is not rescheduled for it. AAA03 72 (member ID) or
  73 (name), and 75 (member not found), come with AAA04 C, "please correct and resubmit": check the card
  and the registration with the patient, correct the inquiry and send it again.
- Rescheduling is never the first step for any of these replies.

Sources, cited rather than copied: the ASC X12 005010X279A1 implementation guide (Health Care Eligibility
Benefit Inquiry and Response, 270/271): the AAA segment's reject reason codes (element 901) and follow-up
action codes (element 889), EB01 benefit codes and EB12, the in-plan-network indicator. Out-of-network
benefits follow the plan's own terms (the Summary of Benefits and Coverage required by 45 CFR 147.200 lists
out-of-network cost sharing, or none); an estimate for a patient paying themselves is the No Surprises Act's
good-faith estimate for uninsured or self-pay individuals (45 CFR 149.610). How the deductible and the
out-of-pocket maximum relate is in payer.py.
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
from pathways.practice.cases.payer import (
    FOLLOW_UP,
    FOLLOW_UP_ACTIONS,
    OUT_OF_NETWORK_SCALE,
    REJECT_REASONS,
    Benefits,
    Inquiry,
    benefit_year,
)
from pathways.practice.cases.synthetic import PRACTICE_DAY, member_id, payer, person
from pathways.practice.cases.x12_271 import LEGEND, build_271

Decision = Literal[
    "proceed",
    "out-of-network-estimate",
    "self-pay-estimate",
    "correct-and-resubmit",
    "resubmit-later",
    "reschedule",
]
CLINIC = ("Pathways Practice Clinic", "1234567893")  # the NPI is the check-digit example from CMS


def decision_for(benefits: Benefits) -> Decision:
    if benefits.status == "rejected":
        follow_up = FOLLOW_UP.get(benefits.reject_code or "", "C")
        return "resubmit-later" if follow_up == "R" else "correct-and-resubmit"
    if benefits.status == "inactive":
        return "self-pay-estimate"
    if benefits.network == "out":
        return "out-of-network-estimate" if benefits.out_of_network_benefits else "self-pay-estimate"
    return "proceed"


def reason_for(benefits: Benefits) -> str:
    """Why the decision is right, in a sentence the learner sees once the case is finished."""
    if benefits.status == "rejected":
        code = benefits.reject_code or ""
        follow_up = FOLLOW_UP.get(code, "C")
        return (
            f"AAA03 {code} ({REJECT_REASONS.get(code, 'rejected')}) with AAA04 {follow_up} "
            f"({FOLLOW_UP_ACTIONS[follow_up].lower()}): "
            + (
                "the payer could not answer just now; send the same inquiry again later."
                if follow_up == "R"
                else "check the card and the registration with the patient, correct the inquiry, resend it."
            )
        )
    if benefits.status == "inactive":
        return "The plan ended before today (EB01 6 and the plan end date): give a self-pay estimate first."
    if benefits.network == "out" and benefits.out_of_network_benefits:
        return (
            "Out of network, but the plan pays out-of-network benefits (the EB lines with EB12 N): estimate "
            "with them; the plan still pays its share."
        )
    if benefits.network == "out":
        return (
            "Out of network and the plan pays nothing there (EB01 I with EB12 N): give a self-pay estimate."
        )
    return "Active coverage in network: proceed with the visit."


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
    if rng.random() < 0.7:
        return Benefits(
            status="active",
            network="in",
            copay_cents=rng.choice([None, 2500, 4000]),
            coinsurance_percent=rng.choice([10, 20, 30]),
            **benefit_year(rng),
        )
    if rng.random() < 0.4:
        return Benefits(status="active", network="out", out_of_network_benefits=False)
    return Benefits(
        status="active",
        network="out",
        out_of_network_benefits=True,
        coinsurance_percent=rng.choice([30, 40, 50]),
        **benefit_year(rng, OUT_OF_NETWORK_SCALE),
    )


class Eligibility(CaseKind):
    code = "eligibility"
    name = "Eligibility check"
    family = "eligibility"
    summary = (
        "Check coverage, read the payer's 271 reply and decide: proceed, estimate in or out of network, or "
        "correct and resend the inquiry."
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
            trace=f"PRX{derived_seed('trace', seed) % 10_000_000:07d}",  # nothing shown gives the seed away
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
            "follow_up_actions": FOLLOW_UP_ACTIONS,
        }
        answer = benefits.model_dump() | {"decision": decision_for(benefits), "why": reason_for(benefits)}
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
                    f"The right next step is '{decision}', not '{given.decision}'. "
                    + case.answer.get("why", ""),
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
