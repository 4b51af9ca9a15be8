"""Certification pages and API. Thin: the rules are in service, files and reminders."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.certifications import files, service
from pathways.certifications.schemas import CertificationKindOut, CertificationOut, DecisionIn
from pathways.deps import DbSession
from pathways.errors import AppError, BadRequest
from pathways.org import scope
from pathways.org.models import Employee
from pathways.routing import CSRF, RowId, today
from pathways.teams.scope import team_scope
from pathways.uploads import FORM_OVERHEAD_BYTES, read_upload
from pathways.web import render

router = APIRouter()
UPLOAD_BODY_BYTES = files.MAX_FILE_BYTES + FORM_OVERHEAD_BYTES
NO_RECORD = "Your account is not linked to an employee record, so it holds no certifications."
DONE = {
    "added": "Certification added. Your supervisor has been asked to verify it.",
    "verified": "Certification verified.",
    "rejected": "Certification rejected; the person has been told why.",
}


def _page(
    request: Request,
    session: Session,
    user: User,
    employee: Employee,
    *,
    done: str | None = None,
    replace: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    on = today()
    records = service.records_for(session, employee.id)
    held = service.standings(session, [employee.id], on).get(employee.id, {})
    kinds = service.kinds(session)
    by_code = {k.code: k for k in kinds}
    requirements = [
        (item, by_code.get(str(item.get("kind"))), held.get(str(item.get("kind"))))
        for item in employee.role.certifications
        if item.get("kind")
    ]
    replacing = next((r for r in records if r.id == replace), None)
    context = {
        "employee": employee,
        "own": user.employee_id == employee.id,
        "can_verify": service.can_verify(session, user, employee),
        "records": records,
        "kinds": kinds,
        "requirements": requirements,
        "replaced": {r.replaces_id for r in records if r.replaces_id},
        "replacing": replacing,
        "today": on,
        "lapse_by": on + dt.timedelta(days=service.LAPSE_WINDOW_DAYS),
        "done": DONE.get(done or ""),
        "error": error,
        "limit_mb": files.MAX_FILE_BYTES // 1_048_576,
    }
    return render(request, "certifications/page.html", context, status_code=status_code)


@router.get("/certifications", response_class=HTMLResponse, include_in_schema=False)
def my_certifications(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    done: Annotated[str | None, Query(max_length=32)] = None,
    replace: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> HTMLResponse:
    employee = scope.own_employee(session, user, NO_RECORD)
    return _page(request, session, user, employee, done=done, replace=replace)


def _date(fields: dict[str, str], name: str, label: str, *, required: bool) -> dt.date | None:
    value = fields.get(name, "").strip()
    if not value:
        if required:
            raise BadRequest(f"{label}: enter the date (YYYY-MM-DD).")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{label}: not a date; use YYYY-MM-DD.") from None


def _new(fields: dict[str, str]) -> service.NewCertification:
    replaces = fields.get("replaces", "").strip()
    if replaces and not (replaces.isdigit() and 0 < int(replaces) < 2_147_483_648):
        raise BadRequest("Replaces: not a certification id.")
    issued = _date(fields, "issued_on", "Issued", required=True)
    assert issued is not None
    return service.NewCertification(
        kind=fields.get("kind", "").strip()[:64],
        issuing_body=fields.get("issuing_body", ""),
        number=fields.get("number", ""),
        issued_on=issued,
        expires_on=_date(fields, "expires_on", "Expires", required=False),
        replaces_id=int(replaces) if replaces else None,
    )


# Reads its file only after checking who sends it (pathways.uploads), CSRF included.
@router.post(
    "/certifications",
    response_class=HTMLResponse,
    include_in_schema=False,
    max_body_size=UPLOAD_BODY_BYTES,
)
def add_certification(request: Request, session: DbSession, user: CurrentUser) -> Response:
    employee = scope.own_employee(session, user, NO_RECORD)
    upload = read_upload(request, files.MAX_FILE_BYTES)
    try:
        data = _new(upload.fields)
        checked = files.check(upload.filename, upload.data)
        service.add(session, user, data, checked, today())
    except AppError as exc:
        replace = upload.fields.get("replaces", "")
        return _page(
            request, session, user, employee,
            replace=int(replace) if replace.isdigit() and len(replace) < 10 else None,
            error=exc.message, status_code=exc.status_code,
        )  # fmt: skip
    return RedirectResponse("/certifications?done=added", status_code=303)


@router.get("/team/people/{employee_id}/certifications", response_class=HTMLResponse, include_in_schema=False)
def person_certifications(
    request: Request,
    employee_id: RowId,
    session: DbSession,
    user: CurrentUser,
    done: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    employee = scope.visible_employee(session, user, employee_id, service.OUT_OF_SCOPE)
    return _page(request, session, user, employee, done=done)


@router.post("/certifications/{certification_id}/verify", include_in_schema=False, dependencies=CSRF)
def verify_page(certification_id: RowId, session: DbSession, user: CurrentUser) -> Response:
    cert = service.decide(session, user, certification_id, verify=True)
    return RedirectResponse(f"/team/people/{cert.employee_id}/certifications?done=verified", status_code=303)


@router.post("/certifications/{certification_id}/reject", include_in_schema=False, dependencies=CSRF)
def reject_page(
    certification_id: RowId,
    session: DbSession,
    user: CurrentUser,
    reason: Annotated[str, Form(max_length=service.REASON_MAX)] = "",
) -> Response:
    cert = service.decide(session, user, certification_id, verify=False, reason=reason)
    return RedirectResponse(f"/team/people/{cert.employee_id}/certifications?done=rejected", status_code=303)


@router.get("/certifications/{certification_id}/file", include_in_schema=False)
def certificate_file(certification_id: RowId, session: DbSession, user: CurrentUser) -> Response:
    cert, data = service.file_of(session, user, certification_id)
    extension = {files.PDF: ".pdf", files.PNG: ".png", files.JPEG: ".jpg"}[cert.file_type]
    disposition = f'inline; filename="certificate-{cert.id}{extension}"'
    return Response(data, media_type=cert.file_type, headers={"Content-Disposition": disposition})


@router.get("/team/certifications", response_class=HTMLResponse, include_in_schema=False)
def team_certifications(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    scope = team_scope(session, user)
    on = today()
    view = service.team_view(session, scope.ids, on)
    context = {"view": view, "scope": scope, "today": on, "window": service.LAPSE_WINDOW_DAYS}
    return render(request, "certifications/team.html", context)


# ---------------------------------------------------------------- JSON API
@router.get("/api/v1/certification-kinds", response_model=list[CertificationKindOut], tags=["certifications"])
def list_kinds(session: DbSession, user: CurrentUser) -> list[CertificationKindOut]:
    return [CertificationKindOut.of(k) for k in service.kinds(session)]


@router.get(
    "/api/v1/employees/{employee_id}/certifications",
    response_model=list[CertificationOut],
    tags=["certifications"],
)
def employee_certifications(
    employee_id: RowId, session: DbSession, user: CurrentUser
) -> list[CertificationOut]:
    employee = scope.visible_employee(session, user, employee_id, service.OUT_OF_SCOPE)
    on = today()
    return [CertificationOut.of(c, on) for c in service.records_for(session, employee.id)]


@router.post(
    "/api/v1/certifications/{certification_id}/verify",
    response_model=CertificationOut,
    tags=["certifications"],
    dependencies=CSRF,
)
def verify_api(certification_id: RowId, session: DbSession, user: CurrentUser) -> CertificationOut:
    return CertificationOut.of(service.decide(session, user, certification_id, verify=True), today())


@router.post(
    "/api/v1/certifications/{certification_id}/reject",
    response_model=CertificationOut,
    tags=["certifications"],
    dependencies=CSRF,
)
def reject_api(
    certification_id: RowId, body: DecisionIn, session: DbSession, user: CurrentUser
) -> CertificationOut:
    cert = service.decide(session, user, certification_id, verify=False, reason=body.reason)
    return CertificationOut.of(cert, today())
