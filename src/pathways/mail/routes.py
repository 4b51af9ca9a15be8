"""The admin's view of email: the outbox by state with each refusal's reason, one message as it will be
sent, a failed message sent again, and (with no SMTP server set) the mail folder's messages."""

from email.message import EmailMessage
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import update

from pathways.auth.dependencies import AdminUser
from pathways.config import Settings
from pathways.deps import DbSession
from pathways.errors import BadRequest, Forbidden, NotFound
from pathways.mail import admin, compose
from pathways.mail.models import MailState, OutboxMessage
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter(include_in_schema=False)

# The HTML part of a message, shown alone: email HTML carries inline styles, and may run nothing else.
EMAIL_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/admin/mail")
def mail_page(
    request: Request,
    session: DbSession,
    user: AdminUser,
    state: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    settings = _settings(request)
    if state and state not in admin.STATES:
        raise BadRequest(f"state must be one of {', '.join(admin.STATES)}, not {state!r}.")
    context = {
        "counts": admin.counts(session),
        "states": admin.STATES,
        "state": state,
        "messages": admin.latest(session, state or None),
        "smtp": bool(settings.smtp_url),
        "folder": settings.mail_dir,
        "files": [] if settings.smtp_url else admin.folder_files(settings.mail_dir),
    }
    return render(request, "admin/mail.html", context)


@router.get("/admin/mail/messages/{outbox_id}")
def message_page(request: Request, session: DbSession, user: AdminUser, outbox_id: int) -> HTMLResponse:
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(f"There is no outbox message {outbox_id}.")
    text = None
    note = ""
    if row.kind == "password-reset":
        note = "A password-reset email: its link is made when it is sent and is never shown here."
    else:
        try:
            text = admin.parts(compose.build(session, row, _settings(request)))[0]
        except compose.Obsolete as exc:
            note = str(exc)
    return render(request, "admin/mail_message.html", {"row": row, "text": text, "note": note})


@router.post("/admin/mail/messages/{outbox_id}/retry", dependencies=CSRF)
def retry(session: DbSession, user: AdminUser, outbox_id: int) -> Response:
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(f"There is no outbox message {outbox_id}.")
    if row.state != MailState.FAILED:
        raise BadRequest("Only a refused message can be sent again; this one is " + row.state + ".")
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id)
        .values(state=MailState.PENDING, next_attempt_at=OutboxMessage.created_at, last_error="")
    )
    return RedirectResponse(f"/admin/mail/messages/{row.id}", status_code=303)


def _readable(request: Request, name: str) -> tuple[EmailMessage, Path]:
    """A folder message an admin may read. In production a reset link is not theirs to open: it would let
    them into someone else's account, so those messages show their headers only."""
    settings = _settings(request)
    message, path = admin.folder_file(settings.mail_dir, name)
    if settings.is_production and message[compose.KIND_HEADER] == "password-reset":
        raise Forbidden("This is someone's password-reset email: only its recipient may open it.")
    return message, path


@router.get("/admin/mail/files/{name}")
def file_page(request: Request, user: AdminUser, name: str) -> HTMLResponse:
    message, path = _readable(request, name)
    text, html = admin.parts(message)
    headers = [(key, str(message[key] or "")) for key in ("From", "To", "Subject", "Date", "Message-ID")]
    context = {"name": path.name, "headers": headers, "text": text, "has_html": html is not None}
    return render(request, "admin/mail_file.html", context)


@router.get("/admin/mail/files/{name}/html")
def file_html(request: Request, user: AdminUser, name: str) -> Response:
    message, _ = _readable(request, name)
    _, html = admin.parts(message)
    if html is None:
        raise NotFound("This message has no HTML part.")
    return HTMLResponse(html, headers={"Content-Security-Policy": EMAIL_HTML_POLICY})


@router.get("/admin/mail/files/{name}/eml")
def file_download(request: Request, user: AdminUser, name: str) -> Response:
    _, path = _readable(request, name)
    return Response(
        path.read_bytes(),
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="{path.name}"'},
    )
