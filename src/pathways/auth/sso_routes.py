"""Sign in with the organisation's identity provider (OpenID Connect); pathways.auth.oidc does the work."""

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from pathways.auth import oidc
from pathways.auth.csrf import csrf_token
from pathways.config import Settings
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.web import render

router = APIRouter(include_in_schema=False)
PENDING_KEY = "oidc"
TRY_AGAIN = "Start again from the sign-in page."


def _failed(request: Request, message: str, status_code: int = 400) -> Response:
    settings: Settings = request.app.state.settings
    context = {"message": message, "provider": settings.oidc_provider_name, "local": settings.local_passwords}
    return render(request, "auth/sso_failed.html", context, status_code=status_code)


@router.get("/auth/oidc/start")
def start(request: Request, next: str = Query("/", max_length=2000)) -> Response:
    from pathways.auth.routes import safe_next

    settings: Settings = request.app.state.settings
    if not settings.oidc_enabled:
        return _failed(request, "Single sign-on is not set up on this Pathways.", 404)
    try:
        url, started = oidc.start(settings, safe_next(next))
    except AppError as exc:
        return _failed(request, exc.message, 502)
    request.session[PENDING_KEY] = oidc.remember(request.session.get(PENDING_KEY, {}), started)
    return RedirectResponse(url, status_code=303)


@router.get("/auth/oidc/callback")
def callback(
    request: Request,
    session: DbSession,
    code: str = Query("", max_length=4000),
    state: str = Query("", max_length=200),
    error: str = Query("", max_length=200),
    error_description: str = Query("", max_length=1000),
) -> Response:
    settings: Settings = request.app.state.settings
    if not settings.oidc_enabled:
        return _failed(request, "Single sign-on is not set up on this Pathways.", 404)
    pending_all = dict(request.session.get(PENDING_KEY) or {})
    # Spent whatever happens next: the same state never finishes twice.
    pending = pending_all.pop(state, None) if state else None
    request.session[PENDING_KEY] = pending_all
    if error:
        detail = f": {error_description}" if error_description else ""
        return _failed(
            request, f"{settings.oidc_provider_name} did not sign you in ({error}{detail}). {TRY_AGAIN}"
        )
    if not isinstance(pending, dict):
        return _failed(
            request,
            "This sign-in link was already used, has expired, or was started in another browser. "
            + TRY_AGAIN,
        )
    if not code:
        return _failed(request, f"{settings.oidc_provider_name} sent no sign-in code. {TRY_AGAIN}")
    try:
        claims = oidc.finish(settings, pending, code)
        user = oidc.account_for(session, settings, claims)
    except oidc.NoAccount as exc:
        return _failed(request, exc.message, 403)
    except AppError as exc:
        return _failed(request, f"{exc.message} {TRY_AGAIN}")
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["epoch"] = user.session_epoch
    csrf_token(request)
    return RedirectResponse(pending.get("next") or "/", status_code=303)
