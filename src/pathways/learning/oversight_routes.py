"""What supervisors, site leads and trainers oversee: the team compliance view (page, CSV and JSON) and the
completions waiting for their confirmation (JSON; the page is with the plan pages). Thin, like plan_routes."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from pathways.auth.dependencies import CurrentUser
from pathways.badges.routes import BadgeAwarder
from pathways.csvfile import csv_file_response, csv_spooled
from pathways.deps import DbSession
from pathways.learning import claims, compliance
from pathways.learning.oversight_schemas import (
    ClaimDecisionOut,
    ClaimOut,
    ClaimsPageOut,
    CompliancePageOut,
    RejectIn,
)
from pathways.routing import CSRF, RowId, today
from pathways.web import render

router = APIRouter()
Show = Annotated[str | None, Query(max_length=16, description="overdue (default), due-soon or open.")]
Sort = Annotated[
    str | None, Query(max_length=16, description="employee, site, course, due, overdue (default) or status.")
]
Order = Annotated[
    str | None, Query(max_length=4, description="asc or desc; default desc for overdue, else asc.")
]
Limit = Annotated[int, Query(ge=1, le=compliance.MAX_LIMIT, description="Rows per page.")]
Offset = Annotated[int, Query(ge=0, le=2_147_483_647, description="Rows to skip.")]


# ---------------------------------------------------------------- team compliance
@router.get("/learning/team", response_class=HTMLResponse, include_in_schema=False)
def team_page(
    request: Request, session: DbSession, user: CurrentUser, show: Show = None, sort: Sort = None,
    order: Order = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:  # fmt: skip
    show, sort, order = compliance.parse_view(show, sort, order)
    day = today()
    found = compliance.page_number(session, user, day, show=show, sort=sort, order=order, number=page)
    context = {"page": found, "today": day, "show": show, "sort": sort,
               "order": order, "shows": compliance.SHOW, "sorts": compliance.SORTS}  # fmt: skip
    return render(request, "learning/team.html", context)


@router.get("/learning/team.csv", include_in_schema=False)
def team_csv(
    session: DbSession, user: CurrentUser, show: Show = None, sort: Sort = None,
    order: Order = None,
) -> Response:  # fmt: skip
    show, sort, order = compliance.parse_view(show, sort, order)
    rows = compliance.every_row(session, user, today(), show=show, sort=sort, order=order)
    filename = f"team-compliance-{today().isoformat()}.csv"
    return csv_file_response(csv_spooled(compliance.HEADER, compliance.csv_cells(rows)), filename)


@router.get("/api/v1/compliance", response_model=CompliancePageOut, tags=["learning plans"])
def team_compliance_api(
    session: DbSession, user: CurrentUser, show: Show = None, sort: Sort = None, order: Order = None,
    limit: Limit = compliance.PAGE_SIZE, offset: Offset = 0,
) -> CompliancePageOut:  # fmt: skip
    """The team compliance view: required courses of the people in your scope, one page at a time."""
    show, sort, order = compliance.parse_view(show, sort, order)
    found = compliance.page(
        session, user, today(), show=show, sort=sort, order=order, limit=limit, offset=offset
    )
    return CompliancePageOut.of(found, today(), show, sort, order)


# ---------------------------------------------------------------- confirmations
@router.get("/api/v1/completion-claims", response_model=ClaimsPageOut, tags=["learning plans"])
def pending_claims(
    session: DbSession, user: CurrentUser, limit: Limit = compliance.PAGE_SIZE, offset: Offset = 0
) -> ClaimsPageOut:
    """Employees' own marks on required courses waiting for your confirmation, oldest first."""
    pending = claims.pending_claims(session, user)
    items = [ClaimOut.of(claim) for claim in pending[offset : offset + limit]]
    return ClaimsPageOut(total=len(pending), limit=limit, offset=offset, items=items)


@router.post(
    "/api/v1/completion-claims/{claim_id}/confirm",
    response_model=ClaimDecisionOut,
    tags=["learning plans"],
    dependencies=CSRF,
)
def confirm_claim(
    claim_id: RowId, session: DbSession, user: CurrentUser, award: BadgeAwarder
) -> ClaimDecisionOut:
    claim = claims.confirm(session, user, claim_id)
    award(claim.employee_id)
    return ClaimDecisionOut(id=claim.id, state="confirmed", note=claim.note)


@router.post(
    "/api/v1/completion-claims/{claim_id}/reject",
    response_model=ClaimDecisionOut,
    tags=["learning plans"],
    dependencies=CSRF,
)
def reject_claim(claim_id: RowId, body: RejectIn, session: DbSession, user: CurrentUser) -> ClaimDecisionOut:
    claim = claims.reject(session, user, claim_id, body.note)
    return ClaimDecisionOut(id=claim.id, state="rejected", note=claim.note)
