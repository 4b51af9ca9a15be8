"""The LRS's admin side: the activity page at /admin/lrs, and completion rejections (page and API)."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pathways.auth.dependencies import AdminUser
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.learning.completion_rules import REASONS
from pathways.routing import CSRF, RowId
from pathways.web import render
from pathways.xapi import admin, review
from pathways.xapi.schemas import AppliedOut, ApplyIn, CompletionRejectionOut, CompletionRejectionsPageOut

router = APIRouter()
Status = Annotated[str, Query(max_length=8, description="open (default), resolved or all.")]
Limit = Annotated[int, Query(ge=1, le=review.MAX_LIMIT, description="Rows per page.")]
Offset = Annotated[int, Query(ge=0, le=2_147_483_647, description="Rows to skip.")]
PAGE = 50


@router.get("/admin/lrs", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, session: DbSession, user: AdminUser) -> HTMLResponse:
    return render(
        request,
        "xapi/admin.html",
        {
            "statements": admin.recent_statements(session),
            "rejections": admin.recent_rejections(session),
            "clients": admin.client_counts(session),
            "open_completion_rejections": review.browse(session, review.OPEN, 1, 0)[0],
        },
    )


@router.get("/admin/lrs/rejections", response_class=HTMLResponse, include_in_schema=False)
def rejections_page(
    request: Request, session: DbSession, user: AdminUser, status: Status = review.OPEN, offset: Offset = 0,
    done: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    error: Annotated[str | None, Query(max_length=400)] = None,
) -> HTMLResponse:  # fmt: skip
    total, rows = review.browse(session, status, PAGE, offset)
    context = {"rows": rows, "total": total, "status": status, "offset": offset, "limit": PAGE,
               "statuses": review.STATUSES, "reasons": REASONS, "done": done, "error": error}  # fmt: skip
    return render(request, "xapi/rejections.html", context)


@router.post("/admin/lrs/rejections/{rejection_id}/apply", include_in_schema=False, dependencies=CSRF)
def apply_form(
    rejection_id: RowId, session: DbSession, user: AdminUser,
    employee: Annotated[str, Form(max_length=254)] = "", course: Annotated[str, Form(max_length=32)] = "",
) -> Response:  # fmt: skip
    try:
        applied = review.apply(session, user, rejection_id, employee, course)
    except AppError as exc:  # back to the list with the reason; apply changed nothing
        return RedirectResponse(
            f"/admin/lrs/rejections?error={quote(exc.message[:300])}#rejection-{rejection_id}",
            status_code=303,
        )
    return RedirectResponse(f"/admin/lrs/rejections?done={applied.others_resolved + 1}", status_code=303)


@router.get("/api/v1/xapi/rejections", response_model=CompletionRejectionsPageOut, tags=["admin"])
def rejections_api(
    session: DbSession, user: AdminUser, status: Status = review.OPEN, limit: Limit = PAGE, offset: Offset = 0
) -> CompletionRejectionsPageOut:
    """Completed or passed statements the LRS stored but recorded no completion for, newest first."""
    total, rows = review.browse(session, status, limit, offset)
    items = [CompletionRejectionOut.of(row) for row in rows]
    return CompletionRejectionsPageOut(total=total, limit=limit, offset=offset, items=items)


@router.post(
    "/api/v1/xapi/rejections/{rejection_id}/apply",
    response_model=AppliedOut,
    tags=["admin"],
    dependencies=CSRF,
)
def apply_api(rejection_id: RowId, body: ApplyIn, session: DbSession, user: AdminUser) -> AppliedOut:
    """Map the statement's person and/or course, then record its completion (the import's rules apply)."""
    applied = review.apply(session, user, rejection_id, body.employee, body.course)
    return AppliedOut(
        rejection=CompletionRejectionOut.of(applied.rejection), others_resolved=applied.others_resolved
    )
