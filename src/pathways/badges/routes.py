"""Badges: a person's own list and downloads, the public verification page and API, the issuer profile,
its keys and the revocation status list (public: a verifier never signs in)."""

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from pathways.auth.csrf import CSRF_FAILED, CSRF_FIELD, csrf_matches
from pathways.auth.dependencies import CurrentUser, OptionalUser
from pathways.auth.permissions import ensure_can_view_employee
from pathways.badges import achievements, bake, keys, service
from pathways.badges.credentials import MEDIA_TYPE, OB_CONTEXT, VC_CONTEXT, achievement_json
from pathways.badges.models import Badge
from pathways.badges.schemas import BadgeOut, RevokeIn, VerificationOut, VerifyIn
from pathways.deps import DbSession
from pathways.errors import AppError, BadRequest, Forbidden, NotFound, TooLarge
from pathways.org.models import Employee
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter()
MAX_UPLOAD_BYTES = 512 * 1024  # a baked badge is a few kilobytes; a photo is not a badge
UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
IdQuery = Annotated[str | None, Query(max_length=100, description="A badge's id (urn:uuid:... or the UUID).")]


def _how(request: Request) -> service.Issuing:
    return service.issuing(request.app.state.settings)


def awarder(request: Request, session: DbSession) -> service.Awarder:
    return service.Awarder(session, _how(request))


BadgeAwarder = Annotated[service.Awarder, Depends(awarder)]


def _badge_out(badge: Badge) -> BadgeOut:
    return BadgeOut(
        id=badge.id,
        credential_id=f"urn:uuid:{badge.uuid}",
        kind=badge.kind,
        name=badge.name,
        issued_at=badge.issued_at,
        expires_at=badge.expires_at,
        revoked=badge.revoked_at is not None,
        credential=badge.credential_jwt,
    )


# ------------------------------------------------------------------------------------------ the holder's
@router.get("/badges", include_in_schema=False)
def my_badges_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    badges = service.badges_of(session, user.employee_id) if user.employee_id is not None else []
    return render(request, "badges/mine.html", {"badges": badges, "has_record": user.employee_id is not None})


@router.get("/badges/{badge_id}/credential.jwt", include_in_schema=False)
def download_jwt(badge_id: int, session: DbSession, user: CurrentUser) -> Response:
    badge = service.own_badge(session, user, badge_id)
    return _download(badge.credential_jwt, MEDIA_TYPE, f"badge-{badge.id}.jwt")


@router.get("/badges/{badge_id}/credential.json", include_in_schema=False)
def download_json(badge_id: int, session: DbSession, user: CurrentUser) -> Response:
    badge = service.own_badge(session, user, badge_id)
    # The credential as JSON, with its securing JWS beside it: the JSON alone proves nothing.
    body = {"credential": _payload(badge), "jwt": badge.credential_jwt}
    return _download(
        json.dumps(body, indent=2, ensure_ascii=False), "application/json", f"badge-{badge.id}.json"
    )


@router.get("/badges/{badge_id}/badge.svg", include_in_schema=False)
def download_svg(request: Request, badge_id: int, session: DbSession, user: CurrentUser) -> Response:
    badge = service.own_badge(session, user, badge_id)
    image = bake.svg(badge.credential_jwt, badge.name, badge.kind, _how(request).issuer.name)
    return _download(image, "image/svg+xml", f"badge-{badge.id}.svg")


@router.get("/badges/{badge_id}/badge.png", include_in_schema=False)
def download_png(badge_id: int, session: DbSession, user: CurrentUser) -> Response:
    badge = service.own_badge(session, user, badge_id)
    return _download(bake.png(badge.credential_jwt, badge.kind), "image/png", f"badge-{badge.id}.png")


def _payload(badge: Badge) -> dict[str, Any]:
    part = badge.credential_jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/api/v1/me/badges", response_model=list[BadgeOut], tags=["badges"])
def api_my_badges(session: DbSession, user: CurrentUser) -> list[BadgeOut]:
    if user.employee_id is None:
        return []
    return [_badge_out(badge) for badge in service.badges_of(session, user.employee_id)]


# ------------------------------------------------------------------------------- a supervisor's view
@router.get("/people/{employee_id}/badges", include_in_schema=False)
def person_badges_page(
    request: Request, employee_id: int, session: DbSession, user: CurrentUser
) -> HTMLResponse:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("There is no such person.")
    ensure_can_view_employee(session, user, employee)
    context = {
        "employee": employee,
        "badges": service.badges_of(session, employee.id),
        "can_revoke": service.revokable_badges(session, user, employee),
        "revoked": request.query_params.get("revoked") == "1",
    }
    return render(request, "badges/person.html", context)


@router.post("/badges/{badge_id}/revoke", include_in_schema=False, dependencies=CSRF)
def revoke_form(
    badge_id: int,
    session: DbSession,
    user: CurrentUser,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    badge = service.revoke(session, user, badge_id, reason)
    return RedirectResponse(f"/people/{badge.employee_id}/badges?revoked=1", status_code=303)


@router.post("/api/v1/badges/{badge_id}/revoke", response_model=BadgeOut, tags=["badges"], dependencies=CSRF)
def api_revoke(badge_id: int, body: RevokeIn, session: DbSession, user: CurrentUser) -> BadgeOut:
    return _badge_out(service.revoke(session, user, badge_id, body.reason))


# ------------------------------------------------------------------------------------------- public
@router.get("/badges/verify", include_in_schema=False)
def verify_page(request: Request, session: DbSession, user: OptionalUser, id: IdQuery = None) -> HTMLResponse:
    context: dict[str, Any] = {"result": None, "error": None, "id": id or ""}
    status_code = 200
    if id:
        try:
            context["result"] = service.verify_by_id(session, _how(request), id)
        except AppError as exc:
            context["error"], status_code = exc.message, exc.status_code
    return render(request, "badges/verify.html", context, status_code)


@router.post("/badges/verify", include_in_schema=False, max_body_size=UPLOAD_BODY_BYTES)
async def verify_form(request: Request, session: DbSession, user: OptionalUser) -> HTMLResponse:
    context: dict[str, Any] = {"result": None, "error": None, "id": ""}
    status_code = 200
    try:
        token = await _sent_credential(request)
        context["result"] = service.verify(session, _how(request), token)
    except AppError as exc:
        context["error"], status_code = exc.message, exc.status_code
    return render(request, "badges/verify.html", context, status_code)


async def _sent_credential(request: Request) -> str:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        raise BadRequest("Send the verify form: paste a badge or choose a file.")
    form = await request.form(max_files=1, max_fields=4)
    try:
        sent = form.get(CSRF_FIELD)
        if not isinstance(sent, str) or not csrf_matches(request, sent):
            raise Forbidden(CSRF_FAILED)
        upload, pasted = form.get("file"), form.get("credential")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise TooLarge(
                    f"file: a badge is at most {MAX_UPLOAD_BYTES // 1024} KB; this file is larger."
                )
            return bake.extract(data)
        if isinstance(pasted, str) and pasted.strip():
            return bake.extract(pasted.encode())
        raise BadRequest("Paste a badge or choose a file: nothing was sent.")
    finally:
        await form.close()


@router.get("/api/v1/badges/verify", response_model=VerificationOut, tags=["badges"])
def api_verify_by_id(request: Request, session: DbSession, id: IdQuery = None) -> dict[str, Any]:
    if not id:
        raise BadRequest("id: give the id of the badge to verify.")
    return service.verify_by_id(session, _how(request), id).summary()


@router.post("/api/v1/badges/verify", response_model=VerificationOut, tags=["badges"])
def api_verify(request: Request, body: VerifyIn, session: DbSession) -> dict[str, Any]:
    # Public and read-only: a verifier has no account, and the answer changes nothing.
    return service.verify(session, _how(request), bake.extract(body.credential.encode())).summary()


@router.get("/badges/issuer", include_in_schema=False)
def issuer_page(request: Request, session: DbSession, user: OptionalUser) -> Response:
    how = _how(request)
    if "json" in request.headers.get("accept", "") and "html" not in request.headers.get("accept", ""):
        return JSONResponse(how.issuer.profile(), media_type="application/ld+json")
    context = {"issuer": how.issuer, "keys": keys.jwks(session)["keys"]}
    return render(request, "badges/issuer.html", context)


@router.get("/badges/achievements/{achievement_key:path}", include_in_schema=False)
def achievement(request: Request, achievement_key: str, session: DbSession) -> JSONResponse:
    """What a badge's achievement id resolves to: the achievement as OB 3.0 describes it."""
    found = achievements.describe(session, achievement_key[:200])
    if found is None:
        raise NotFound("This issuer has no such achievement.")
    body = {"@context": [VC_CONTEXT, OB_CONTEXT], **achievement_json(_how(request).issuer, found)}
    return JSONResponse(body, media_type="application/ld+json")


@router.get("/badges/issuer/jwks.json", include_in_schema=False)
def issuer_keys(session: DbSession) -> JSONResponse:
    return JSONResponse(keys.jwks(session), media_type="application/jwk-set+json")


@router.get("/badges/status/{list_number}", include_in_schema=False)
def status_list(request: Request, list_number: int, session: DbSession) -> Response:
    token = service.status_list_jwt(session, _how(request), list_number)
    return Response(token, media_type=MEDIA_TYPE, headers={"Cache-Control": "max-age=300"})
