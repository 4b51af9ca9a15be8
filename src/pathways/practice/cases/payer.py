"""The simulated payer's answer to an eligibility inquiry, before it is written as X12 271 or FHIR."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel

# AAA03 reject reasons the simulated payer uses (X12 code list 901), with what they mean at the desk.
REJECT_REASONS = {
    "42": "Unable to respond at current time",
    "72": "Invalid/missing subscriber/insured ID",
    "73": "Invalid/missing subscriber/insured name",
    "75": "Subscriber/insured not found",
}
# AAA04 follow-up actions.
FOLLOW_UP = {"42": "R", "72": "C", "73": "C", "75": "C"}


class Benefits(BaseModel):
    status: Literal["active", "inactive", "rejected"]
    network: Literal["in", "out"] | None = None
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
