"""Known devices: a browser in which an account has signed in before carries a signed cookie saying so.

The sign-in throttle judges such a browser by its own failures only (throttle.py), so nobody can lock a person
out of the computer they always use by failing on purpose elsewhere. The cookie names a random device id and
the accounts that signed in there (a front-desk computer is shared); it is signed with the secret key, so it
cannot be made up, and it proves nothing by itself: the password is always checked.
"""

import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "pathways_device"
MAX_AGE_S = 180 * 24 * 3600
MAX_ACCOUNTS = 20  # the most accounts one shared computer remembers; the oldest go first
_SALT = "pathways.known-device"


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.secret_key, salt=_SALT)


def _read(request: Request) -> tuple[str, list[int]] | None:
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = _serializer(request).loads(value, max_age=MAX_AGE_S)
    except BadSignature:
        return None
    device, accounts = data.get("d") if isinstance(data, dict) else None, data.get("u", [])
    if not isinstance(device, str) or not isinstance(accounts, list):
        return None
    return device, [a for a in accounts if isinstance(a, int)]


def known_device(request: Request, user_id: int | None) -> tuple[str, int] | None:
    """(device id, user id) when this browser is a known device of the account, else None."""
    found = _read(request)
    if found is None or user_id is None or user_id not in found[1]:
        return None
    return found[0], user_id


def remember(request: Request, response: Response, user_id: int) -> None:
    """After a successful sign-in: this browser is now a known device of the account."""
    device, accounts = _read(request) or (secrets.token_urlsafe(16), [])
    others = [a for a in accounts if a != user_id]
    accounts = [*others[-(MAX_ACCOUNTS - 1) :], user_id]
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        _serializer(request).dumps({"d": device, "u": accounts}),
        max_age=MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies or settings.is_production,
    )
