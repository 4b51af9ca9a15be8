from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pathways.auth import account_routes, devices, reset_routes, service, sso_routes, throttle
from pathways.auth.csrf import csrf_token
from pathways.auth.dependencies import CurrentUser, OptionalUser
from pathways.auth.models import AccountRole
from pathways.auth.schemas import Me
from pathways.config import Settings
from pathways.deps import DbSession
from pathways.errors import TooManyRequests
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    # Only same-site paths: "//evil.example" or "https://..." would turn sign-in into an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _sign_in_options(request: Request) -> dict[str, object]:
    settings: Settings = request.app.state.settings
    return {
        "sso": settings.oidc_provider_name if settings.oidc_enabled else None,
        "local_passwords": settings.local_passwords,
    }


@router.get("/login", include_in_schema=False)
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    context = {"next": safe_next(next), "email": "", **_sign_in_options(request)}
    return render(request, "auth/login.html", context)


@router.post("/login", include_in_schema=False, dependencies=CSRF)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    address = request.client.host if request.client else "unknown"
    context = {"next": safe_next(next), "email": email, **_sign_in_options(request)}
    if not context["local_passwords"]:
        error = f"Pathways passwords are turned off here: sign in with {context['sso']}."
        return render(request, "auth/login.html", {**context, "error": error}, status_code=400)
    user = service.get_user_by_email(session, email)
    device = devices.known_device(request, user.id if user else None)
    try:
        attempt = throttle.begin(session, email=email, address=address, device=device)
    except TooManyRequests as exc:
        page = render(request, "auth/login.html", {**context, "error": exc.message}, status_code=429)
        page.headers.update(exc.headers)
        return page
    # The attempt is counted and committed: the password check, slow on purpose, holds no lock meanwhile.
    session.commit()
    if not service.password_matches(user, password):
        return render(
            request, "auth/login.html", {**context, "error": service.SIGN_IN_FAILED}, status_code=400
        )
    assert user is not None  # password_matches is False without an account
    throttle.succeeded(session, attempt)
    # A fresh session at sign-in: nothing from before (including the CSRF token) carries over.
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["epoch"] = user.session_epoch
    csrf_token(request)
    response = RedirectResponse(safe_next(next), status_code=303)
    devices.remember(request, response, user.id)
    return response


@router.post("/logout", include_in_schema=False, dependencies=CSRF)
def logout(request: Request, user: OptionalUser) -> Response:
    if user is not None and request.session.get("user_id") == user.id:
        # Signing out here signs out everywhere: a shared front-desk computer must not keep a live session.
        user.session_epoch += 1
    request.session.clear()
    return RedirectResponse("/login?signed_out=1", status_code=303)


@router.get("/api/v1/me", response_model=Me, tags=["accounts"])
def me(user: CurrentUser) -> Me:
    return Me(
        id=user.id,
        email=user.email,
        name=user.name,
        account_role=AccountRole(user.account_role),
        employee_id=user.employee_id,
    )


# The pages around signing in live in their own modules, served under this router.
for _module in (reset_routes, account_routes, sso_routes):
    router.include_router(_module.router)
