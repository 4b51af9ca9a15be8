import hmac
import secrets

from fastapi import Request

from pathways.errors import Forbidden

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_FAILED = "This form has expired or did not come from Pathways. Reload the page and try again."


def csrf_token(request: Request) -> str:
    # One token per session, kept in the signed session cookie; renewed at sign-in.
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def rides_on_session(request: Request) -> bool:
    """Whether an unsafe request needs a CSRF token: a bearer token is not sent by browsers on their own, so
    a request carrying one cannot be forged cross-site."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    return not request.headers.get("authorization", "").lower().startswith("bearer ")


def csrf_matches(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and sent and hmac.compare_digest(str(expected), sent))


async def verify_csrf(request: Request) -> None:
    """Every unsafe request that rides on the session cookie must carry the session's token.

    Upload routes do without this dependency: it would parse the whole multipart body before anything else;
    pathways.uploads.read_upload checks the token once the route has checked who is uploading.
    """
    if not rides_on_session(request):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it, so the route can read it again
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_matches(request, sent):
        raise Forbidden(CSRF_FAILED)
