"""The simulated payer's answer as a FHIR R4 CoverageEligibilityResponse (fhir.resources, R4B models).

FHIR reports a deductible or out-of-pocket maximum as the year's amount (allowedMoney) and what has been
used (usedMoney); the remaining amount is their difference, which is what the learner reads off.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse

from pathways.practice.cases.payer import FOLLOW_UP, FOLLOW_UP_ACTIONS, REJECT_REASONS, Benefits, Inquiry

BENEFIT_TYPE = "http://terminology.hl7.org/CodeSystem/benefit-type"
BENEFIT_CATEGORY = "https://x12.org/codes/service-type-codes"
NETWORK = "http://terminology.hl7.org/CodeSystem/benefit-network"
UNIT = "http://terminology.hl7.org/CodeSystem/benefit-unit"
TERM = "http://terminology.hl7.org/CodeSystem/benefit-term"
REJECT = "https://x12.org/codes/reject-reason-codes"
LOCAL = "https://pathways.example/fhir/CodeSystem/practice"
IDS = "https://pathways.example/practice/ids"


def money(cents: int) -> dict[str, Any]:
    return {"value": Decimal(cents) / 100, "currency": "USD"}


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _benefits(benefits: Benefits) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if benefits.copay_cents is not None:
        out.append(
            {
                "type": concept(BENEFIT_TYPE, "copay", "Copayment per service"),
                "allowedMoney": money(benefits.copay_cents),
            }
        )
    if benefits.coinsurance_percent is not None:
        out.append(
            {
                "type": concept(BENEFIT_TYPE, "copay-percent", "Copayment Percent per service"),
                "allowedUnsignedInt": benefits.coinsurance_percent,
            }
        )
    if benefits.deductible_cents is not None and benefits.deductible_remaining_cents is not None:
        used = benefits.deductible_cents - benefits.deductible_remaining_cents
        out.append(
            {
                "type": concept(BENEFIT_TYPE, "deductible", "Deductible"),
                "allowedMoney": money(benefits.deductible_cents),
                "usedMoney": money(used),
            }
        )
    if benefits.oop_max_cents is not None and benefits.oop_remaining_cents is not None:
        used = benefits.oop_max_cents - benefits.oop_remaining_cents
        out.append(
            {
                "type": concept(LOCAL, "out-of-pocket-maximum", "Out-of-pocket maximum"),
                "allowedMoney": money(benefits.oop_max_cents),
                "usedMoney": money(used),
            }
        )
    return out


def build_response(inquiry: Inquiry, benefits: Benefits) -> CoverageEligibilityResponse:
    member = {"system": f"{IDS}/member-id", "value": inquiry.member_id}
    resource: dict[str, Any] = {
        "resourceType": "CoverageEligibilityResponse",
        "id": inquiry.trace.lower(),
        "status": "active",
        "purpose": ["benefits"],
        "patient": {"identifier": member, "display": f"{inquiry.first} {inquiry.last}"},
        "created": inquiry.created.replace(tzinfo=inquiry.created.tzinfo or dt.UTC).isoformat(),
        "request": {"identifier": {"system": f"{IDS}/eligibility-request", "value": inquiry.trace}},
        "requestor": {
            "display": inquiry.provider_name,
            "identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": inquiry.provider_npi},
        },
        "insurer": {
            "display": inquiry.payer_name,
            "identifier": {"system": f"{IDS}/payer-id", "value": inquiry.payer_id},
        },
        "outcome": "error" if benefits.status == "rejected" else "complete",
    }
    if benefits.status == "rejected":
        code = benefits.reject_code or "75"
        follow_up = FOLLOW_UP.get(code, "C")
        resource["disposition"] = (
            f"{REJECT_REASONS.get(code, 'Rejected')}; follow-up {follow_up}: {FOLLOW_UP_ACTIONS[follow_up]}"
        )
        resource["error"] = [{"code": concept(REJECT, code, REJECT_REASONS.get(code))}]
    else:
        period = {"start": inquiry.plan_begin.isoformat()}
        if inquiry.plan_end is not None:
            period["end"] = inquiry.plan_end.isoformat()
        insurance: dict[str, Any] = {
            "coverage": {"identifier": member, "display": inquiry.plan_name},
            "inforce": benefits.status == "active",
            "benefitPeriod": period,
        }
        if benefits.status == "active":
            item: dict[str, Any] = {
                "category": concept(BENEFIT_CATEGORY, "30", "Health Benefit Plan Coverage"),
                "network": concept(
                    NETWORK,
                    benefits.network or "in",
                    "In Network" if benefits.network == "in" else "Out of Network",
                ),
                "unit": concept(UNIT, "individual", "Individual"),
                "term": concept(TERM, "annual", "Annual"),
            }
            if benefits.network == "out" and not benefits.out_of_network_benefits:
                item["excluded"] = True  # the plan pays nothing out of network
            else:
                item["benefit"] = _benefits(benefits)
            insurance["item"] = [item]
        resource["insurance"] = [insurance]
        resource["disposition"] = (
            "Policy is currently in effect." if benefits.status == "active" else ("Policy is not in effect.")
        )
    return CoverageEligibilityResponse.model_validate(resource)


def response_json(inquiry: Inquiry, benefits: Benefits) -> str:
    return build_response(inquiry, benefits).model_dump_json(indent=2, exclude_none=True)
