"""The account page: who you are, your password, and which emails you get."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pathways.auth import devices, reset, throttle
from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.auth.passwords import hash_password, verify_password
from pathways.config import Settings
from pathways.deps import DbSession
from pathways.errors import AppError, TooManyRequests
from pathways.mail import service as mail
from pathways.mail.models import EmailPreference
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter(include_in_schema=False)
PREFERENCES = [
    (EmailPreference.EACH.value, "Each time", "An email for each reminder, assignment, confirmation, "
     "conversation request and plan approval, as it happens."),
    (EmailPreference.DIGEST.value, "A daily digest", "One email a day listing what you have not read yet."),
    (EmailPreference.NONE.value, "No email", "Only the inbox in Pathways. Password-reset emails still come."),
]  # fmt: skip
WRONG_CURRENT = "Your current password is not right. Type it again."
SAVED = {
    "name": "Your name is saved.",
    "password": "Your password is changed. You are signed out everywhere else.",
    "notifications": "Your email choice is saved.",
}


def _page(request: Request, user: User, status_code: int = 200, **extra: Any) -> Response:
    settings: Settings = request.app.state.settings
    saved = SAVED.get(request.query_params.get("saved", ""))
    context = {
        "account": user,
        "preferences": PREFERENCES,
        "local_passwords": settings.local_passwords,
        "has_password": user.password_hash is not None,
        "saved": saved,
        **extra,
    }
    return render(request, "auth/account.html", context, status_code=status_code)


@router.get("/account")
def account_page(request: Request, user: CurrentUser) -> Response:
    return _page(request, user)


@router.post("/account/name", dependencies=CSRF)
def change_name(
    request: Request, user: CurrentUser, session: DbSession, name: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 160:
        error = "Type your name, at most 160 characters."
        return _page(request, user, 400, name_error=error, name_value=name[:160])
    user.name = cleaned
    session.flush()
    return RedirectResponse("/account?saved=name", status_code=303)


@router.post("/account/password", dependencies=CSRF)
def change_password(
    request: Request,
    user: CurrentUser,
    session: DbSession,
    current: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    confirm: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    settings: Settings = request.app.state.settings
    if not settings.local_passwords:
        message = f"Passwords are turned off here: you sign in with {settings.oidc_provider_name}."
        return _page(request, user, 400, password_error=message)
    address = request.client.host if request.client else "unknown"
    try:
        # A session left open on a shared computer must not become a way to guess the password: each try
        # counts as a failed sign-in until the password proves right (returned pages commit the count).
        attempt = throttle.begin(
            session, email=user.email, address=address, device=devices.known_device(request, user.id)
        )
    except TooManyRequests as exc:
        page = _page(request, user, 429, password_error=exc.message)
        page.headers.update(exc.headers)
        return page
    if user.password_hash is not None and not verify_password(user.password_hash, current):
        return _page(request, user, 400, password_error=WRONG_CURRENT)
    throttle.succeeded(session, attempt)
    try:
        reset.check_new_password(password, confirm)
    except AppError as exc:
        return _page(request, user, 400, password_error=exc.message)
    user.password_hash = hash_password(password)
    # Every other session ends; this one moves on with the account.
    user.session_epoch += 1
    request.session["epoch"] = user.session_epoch
    session.flush()
    return RedirectResponse("/account?saved=password", status_code=303)


@router.post("/account/notifications", dependencies=CSRF)
def change_notifications(
    request: Request, user: CurrentUser, session: DbSession, email: Annotated[str, Form(max_length=16)] = ""
) -> Response:
    if email not in {value for value, _, _ in PREFERENCES}:
        return _page(
            request, user, 400, notifications_error="Choose one: each time, a daily digest, or no email."
        )
    mail.set_preference(session, user, email)
    return RedirectResponse("/account?saved=notifications", status_code=303)
