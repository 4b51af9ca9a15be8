"""The fourteen case types, in the order a new PSR meets them, and the one way to look one up."""

from pathways.errors import NotFound
from pathways.practice.cases.abn import Abn
from pathways.practice.cases.backfill import WaitlistBackfill
from pathways.practice.cases.base import Case, CaseKind
from pathways.practice.cases.booking import Booking
from pathways.practice.cases.cost_sharing import CostSharing
from pathways.practice.cases.eligibility import Eligibility
from pathways.practice.cases.followups import FollowUps
from pathways.practice.cases.frustrated import FrustratedPatient
from pathways.practice.cases.identification import Identification
from pathways.practice.cases.order_of_draw import OrderOfDraw
from pathways.practice.cases.payment import Payment
from pathways.practice.cases.privacy import Privacy
from pathways.practice.cases.registration import NewRegistration
from pathways.practice.cases.requisition import RequisitionReview
from pathways.practice.cases.returning import ReturningRegistration

CASE_KINDS: dict[str, CaseKind] = {
    kind.code: kind
    for kind in (
        NewRegistration(),
        ReturningRegistration(),
        Eligibility(),
        CostSharing(),
        Payment(),
        Booking(),
        WaitlistBackfill(),
        FollowUps(),
        Privacy(),
        RequisitionReview(),
        Identification(),
        Abn(),
        OrderOfDraw(),
        FrustratedPatient(),
    )
}


def kind_for(code: str) -> CaseKind:
    kind = CASE_KINDS.get(code)
    if kind is None:
        raise NotFound(f"No case type '{code}'. Case types: {', '.join(CASE_KINDS)}.")
    return kind


def generate(code: str, seed: int) -> Case:
    return kind_for(code).generate(seed)


def practised_by(competency: str) -> tuple[str, ...]:
    """The case types whose cases practise a competency, in the catalog's order."""
    return tuple(kind.code for kind in CASE_KINDS.values() if competency in kind.competencies)
