"""Forgotten passwords: ask for a link by email, then choose a new password with it."""

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pathways.auth import reset
from pathways.config import Settings
from pathways.deps import DbSession
from pathways.errors import AppError, TooManyRequests
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _passwords_off(request: Request) -> Response | None:
    settings = _settings(request)
    if settings.local_passwords:
        return None
    message = f"Pathways passwords are turned off here: sign in with {settings.oidc_provider_name}."
    return render(request, "auth/forgot.html", {"error": message, "off": True, "email": ""}, status_code=404)


@router.get("/password/forgot")
def forgot_page(request: Request) -> Response:
    return _passwords_off(request) or render(request, "auth/forgot.html", {"email": ""})


@router.post("/password/forgot", dependencies=CSRF)
def forgot(
    request: Request, session: DbSession, email: Annotated[str, Form(max_length=254)] = ""
) -> Response:
    if off := _passwords_off(request):
        return off
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        error = "Enter the email address you sign in with, like name@hospital.org."
        return render(request, "auth/forgot.html", {"email": email, "error": error}, status_code=400)
    address = request.client.host if request.client else "unknown"
    try:
        reset.request_reset(session, email, address, _settings(request).secret_key)
    except TooManyRequests as exc:
        return render(request, "auth/forgot.html", {"email": email, "error": exc.message}, status_code=429)
    return render(request, "auth/forgot.html", {"email": "", "sent": reset.SENT})


@router.get("/password/reset/{token}")
def reset_page(request: Request, session: DbSession, token: str) -> Response:
    if off := _passwords_off(request):
        return off
    try:
        reset.check_link(session, token)
    except AppError as exc:
        return render(request, "auth/forgot.html", {"email": "", "error": exc.message}, status_code=400)
    return render(request, "auth/reset.html", {"token": token})


@router.post("/password/reset/{token}", dependencies=CSRF)
def reset_submit(
    request: Request,
    session: DbSession,
    token: str,
    password: Annotated[str, Form(max_length=200)] = "",
    confirm: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if off := _passwords_off(request):
        return off
    try:
        reset.check_link(session, token)
    except AppError as exc:
        return render(request, "auth/forgot.html", {"email": "", "error": exc.message}, status_code=400)
    try:
        reset.reset_password(session, token, password, confirm)
    except AppError as exc:
        return render(request, "auth/reset.html", {"token": token, "error": exc.message}, status_code=400)
    request.session.clear()
    return RedirectResponse("/login?reset=1", status_code=303)
