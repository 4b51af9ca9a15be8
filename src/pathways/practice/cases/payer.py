"""The simulated payer's answer to an eligibility inquiry, before it is written as X12 271 or FHIR.

A benefit year the payer reports is one a real plan could have. Under the ACA's annual limit on cost sharing
(45 CFR 156.130; "cost sharing" as defined in 45 CFR 155.20: deductibles, coinsurance and copays) everything
a member pays toward the deductible also counts toward the out-of-pocket maximum, and the deductible lies
within that maximum. So what is left of the deductible is never more than what is left of the out-of-pocket
maximum, and a deductible partly or fully met always shows as money paid toward the maximum. An
out-of-network benefit has its own, higher deductible and maximum, kept the same way.
"""

import datetime as dt
import random
from typing import Literal

from pydantic import BaseModel

# AAA03 reject reasons the simulated payer uses (X12 code list 901), with what they mean at the desk.
REJECT_REASONS = {
    "42": "Unable to respond at current time",
    "72": "Invalid/missing subscriber/insured ID",
    "73": "Invalid/missing subscriber/insured name",
    "75": "Subscriber/insured not found",
}
# AAA04 follow-up action (X12 element 889) the payer sends with each reason.
FOLLOW_UP = {"42": "R", "72": "C", "73": "C", "75": "C"}
FOLLOW_UP_ACTIONS = {"C": "Please correct and resubmit", "R": "Resubmission allowed"}

DEDUCTIBLES = (50000, 150000, 300000)  # in-network, per year, in cents
OOP_MAXIMUMS = (300000, 600000, 900000)
# Paid beyond the deductible (copays, coinsurance) at most this much, so a year's spending always fits under
# a maximum at least this far above the deductible.
MOST_BEYOND_DEDUCTIBLE = 150000
OUT_OF_NETWORK_SCALE = 2  # an out-of-network deductible and maximum: twice the in-network ones


class Benefits(BaseModel):
    status: Literal["active", "inactive", "rejected"]
    network: Literal["in", "out"] | None = None
    # Out of network only: whether the plan pays anything out of network (a PPO or POS plan does; an HMO or
    # EPO pays nothing for non-emergency care out of network).
    out_of_network_benefits: bool | None = None
    copay_cents: int | None = None
    deductible_cents: int | None = None  # the year's deductible
    deductible_remaining_cents: int | None = None
    coinsurance_percent: int | None = None
    oop_max_cents: int | None = None  # the year's out-of-pocket maximum
    oop_remaining_cents: int | None = None
    reject_code: str | None = None


class Inquiry(BaseModel):
    """Who and what was asked about, and who asked."""

    payer_id: str
    payer_name: str
    provider_name: str
    provider_npi: str
    first: str
    last: str
    dob: dt.date
    sex: str
    member_id: str
    plan_name: str
    plan_begin: dt.date
    plan_end: dt.date | None = None
    trace: str
    control_number: int
    created: dt.datetime


def benefit_year(rng: random.Random, scale: int = 1) -> dict[str, int]:
    """A deductible, an out-of-pocket maximum and what is left of each, consistent with each other."""
    deductible = rng.choice(DEDUCTIBLES)
    maximum = rng.choice([m for m in OOP_MAXIMUMS if m - deductible >= MOST_BEYOND_DEDUCTIBLE])
    stage = rng.choice(("not started", "partly met", "met"))
    if stage == "not started":
        toward_deductible, beyond = 0, rng.choice((0, 2500, 5000))  # copays the deductible does not apply to
    elif stage == "partly met":
        toward_deductible, beyond = deductible * rng.choice((1, 2, 3)) // 4, rng.choice((0, 2500))
    else:
        toward_deductible, beyond = deductible, rng.choice((0, 45000, 120000))
    spent = toward_deductible + beyond  # everything paid counts toward the out-of-pocket maximum
    return {
        "deductible_cents": deductible * scale,
        "deductible_remaining_cents": (deductible - toward_deductible) * scale,
        "oop_max_cents": maximum * scale,
        "oop_remaining_cents": (maximum - spent) * scale,
    }
