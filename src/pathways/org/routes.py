"""Importing people from the HR feed: the admin upload (preview, then apply) and the API."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.org import people_jobs
from pathways.org.people import COLUMNS
from pathways.org.people_import import MAX_UPLOAD_BYTES
from pathways.org.schemas import PeopleImportOut
from pathways.routing import CSRF, RowId, today
from pathways.uploads import FORM_OVERHEAD_BYTES, multipart_body, read_upload
from pathways.web import render

router = APIRouter()
UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
FORM = "org/people_import.html"
REPORT = "org/people_report.html"


def _form_context(error: str | None = None) -> dict[str, object]:
    return {"limit_mb": MAX_UPLOAD_BYTES // 1_048_576, "columns": ",".join(COLUMNS), "error": error}


@router.get("/admin/people/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, user: CurrentUser) -> HTMLResponse:
    people_jobs.ensure_importer(user)
    return render(request, FORM, _form_context())


# The upload reads its file only after checking who sends it (pathways.uploads), CSRF included.
@router.post(
    "/admin/people/import", response_class=HTMLResponse, include_in_schema=False,
    max_body_size=UPLOAD_BODY_BYTES,
)  # fmt: skip
def import_preview(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    people_jobs.ensure_importer(user)
    upload = read_upload(request, MAX_UPLOAD_BYTES)
    try:
        stored, report = people_jobs.preview_upload(session, user, upload.filename, upload.data, today())
    except AppError as exc:
        return render(request, FORM, _form_context(exc.message), status_code=exc.status_code)
    return render(request, REPORT, {"stored": stored, "report": report})


@router.post(
    "/admin/people/import/{import_id}/apply", response_class=HTMLResponse, include_in_schema=False,
    dependencies=CSRF,
)  # fmt: skip
def import_apply(
    request: Request,
    import_id: RowId,
    session: DbSession,
    user: CurrentUser,
    deactivate_missing: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    stored, report = people_jobs.apply_upload(
        session, user, import_id, today(), deactivate_missing=deactivate_missing
    )
    return render(request, REPORT, {"stored": stored, "report": report})


@router.post(
    "/api/v1/people/import",
    response_model=PeopleImportOut,
    tags=["people"],
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=multipart_body("The HR feed as CSV, header " + ",".join(COLUMNS)),
)
def import_people(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    dry_run: bool = False,
    deactivate_missing: bool = False,
) -> PeopleImportOut:
    """Create, update, move and deactivate people from the HR feed (admins only), keyed by employee number:
    the same file twice changes nothing. With dry_run, only check and count. People missing from the file are
    reported, and deactivated only with deactivate_missing."""
    people_jobs.ensure_importer(user)
    upload = read_upload(request, MAX_UPLOAD_BYTES)
    report = people_jobs.import_upload(
        session,
        user,
        upload.filename,
        upload.data,
        today(),
        dry=dry_run,
        deactivate_missing=deactivate_missing,
    )
    return PeopleImportOut.of(report)
