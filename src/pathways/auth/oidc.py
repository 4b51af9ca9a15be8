"""Single sign-on by OpenID Connect: the authorization code flow with PKCE, state and nonce, the provider's
metadata discovered from its issuer, and the ID token's signature and claims (iss, aud, exp, iat, nonce,
azp, at_hash) checked with authlib before anyone is signed in.

The web tier keeps no state: what a sign-in started with (state, nonce, code verifier) travels in the signed
session cookie and is spent by the callback, so a replayed callback finds nothing to finish. Discovery and
the provider's keys are cached per process, and the keys fetched again when a token names one not seen yet
(the provider rotated them).
"""

import datetime as dt
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from authlib.integrations.httpx_client import OAuth2Client, OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.config import Settings
from pathways.errors import AppError
from pathways.org.models import Employee

log = logging.getLogger(__name__)

CACHE_S = 3600
LEEWAY_S = 60  # clock difference tolerated between the provider and this server
PENDING_MAX = 4  # sign-ins started in other tabs that may still finish
PENDING_TTL = dt.timedelta(minutes=15)
HTTP_TIMEOUT_S = 10
# Asymmetric signatures only: a shared-secret (HS256) token could be made by anyone holding the secret.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class SignInFailed(AppError):
    """The provider's answer cannot sign anyone in; the message says why, for the person and the log."""

    status_code = 400


class NoAccount(AppError):
    status_code = 403


@dataclass(frozen=True)
class Provider:
    metadata: dict[str, Any]
    keys: dict[str, Any]


_cache: dict[str, tuple[float, Provider]] = {}
_lock = threading.Lock()


def _client(settings: Settings, **extra: Any) -> OAuth2Client:
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=settings.oidc_scope,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT_S,
        **extra,
    )


def redirect_uri(settings: Settings) -> str:
    return settings.base_url.rstrip("/") + "/auth/oidc/callback"


def _get_json(settings: Settings, url: str) -> dict[str, Any]:
    try:
        with _client(settings) as http:
            response = http.request("GET", url, withhold_token=True)
            response.raise_for_status()
            data = response.json()
    except Exception as exc:
        raise SignInFailed(
            f"{settings.oidc_provider_name} cannot be reached right now ({url}: {exc}). "
            "Try again in a minute."
        ) from exc
    if not isinstance(data, dict):
        raise SignInFailed(f"{url} did not answer with a JSON object.")
    return data


def provider(settings: Settings, refresh_keys: bool = False) -> Provider:
    issuer = settings.oidc_issuer.rstrip("/")
    with _lock:
        cached = _cache.get(issuer)
    if cached and not refresh_keys and time.monotonic() - cached[0] < CACHE_S:
        return cached[1]
    metadata = cached[1].metadata if cached and refresh_keys else None
    if metadata is None:
        metadata = _get_json(settings, issuer + "/.well-known/openid-configuration")
        # OpenID Connect Discovery 4.3: the document must name the issuer it was fetched from.
        if str(metadata.get("issuer", "")).rstrip("/") != issuer:
            raise SignInFailed(
                f"The provider's discovery document names the issuer {metadata.get('issuer')!r}, not the "
                f"configured {issuer!r}: check PATHWAYS_OIDC_ISSUER."
            )
        missing = [k for k in ("authorization_endpoint", "token_endpoint", "jwks_uri") if k not in metadata]
        if missing:
            raise SignInFailed(f"The provider's discovery document lacks {', '.join(missing)}.")
    found = Provider(metadata, _get_json(settings, metadata["jwks_uri"]))
    with _lock:
        _cache[issuer] = (time.monotonic(), found)
    return found


def start(settings: Settings, next_path: str) -> tuple[str, dict[str, Any]]:
    """The provider's sign-in URL, and what the callback must find in the session to finish."""
    metadata = provider(settings).metadata
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    with _client(settings) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    pending = {
        "nonce": nonce,
        "verifier": verifier,
        "next": next_path,
        "at": dt.datetime.now(dt.UTC).isoformat(),
    }
    return url, {state: pending}


def remember(session_data: dict[str, Any], started: dict[str, Any]) -> dict[str, Any]:
    """The pending sign-ins kept in the cookie: the newest few, none older than PENDING_TTL."""
    now = dt.datetime.now(dt.UTC)
    kept = {
        state: pending
        for state, pending in dict(session_data or {}).items()
        if isinstance(pending, dict)
        and now - dt.datetime.fromisoformat(pending.get("at", "1970-01-01T00:00:00+00:00")) < PENDING_TTL
    }
    kept.update(started)
    return dict(list(kept.items())[-PENDING_MAX:])


def _keyset(found: Provider) -> KeySet:
    return KeySet.import_key_set(found.keys)  # type: ignore[arg-type]


def _verify(settings: Settings, id_token: str, access_token: str | None, nonce: str) -> dict[str, Any]:
    issuer = settings.oidc_issuer.rstrip("/")
    found = provider(settings)
    allowed = [
        a for a in found.metadata.get("id_token_signing_alg_values_supported", ["RS256"]) if a in ALGORITHMS
    ]
    try:
        try:
            decoded = jwt.decode(id_token, _keyset(found), algorithms=allowed)
        except InvalidKeyIdError:
            found = provider(settings, refresh_keys=True)
            decoded = jwt.decode(id_token, _keyset(found), algorithms=allowed)
    except BadSignatureError as exc:
        raise SignInFailed(
            "its signature does not match the provider's keys (it was altered or forged)"
        ) from exc
    except InvalidKeyIdError as exc:
        raise SignInFailed("it is signed with a key the provider does not publish") from exc
    except JoseError as exc:
        raise SignInFailed(f"it cannot be read as a signed token ({exc.error})") from exc
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": settings.oidc_client_id},
        "sub": {"essential": True},
    }
    params = {"nonce": nonce, "client_id": settings.oidc_client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(decoded.claims, decoded.header, options, params)
    try:
        claims.validate(leeway=LEEWAY_S)
    except ExpiredTokenError as exc:
        raise SignInFailed("it has expired (check that this server's clock is right)") from exc
    except MissingClaimError as exc:
        raise SignInFailed(f"it lacks the {exc.claim!r} claim") from exc
    except ClaimError as exc:
        reasons = {
            "iss": f"it comes from another issuer ({decoded.claims.get('iss')!r}, not {issuer!r})",
            "aud": f"it was issued for another application (audience {decoded.claims.get('aud')!r})",
            "azp": "it was issued to another application (azp)",
            "nonce": "its nonce is not the one this sign-in sent (a replayed or mixed-up token)",
            "iat": "it was issued in the future (check this server's clock)",
            "nbf": "it is not valid yet (check this server's clock)",
            "at_hash": "it does not belong to the access token it came with",
        }
        raise SignInFailed(reasons.get(exc.claim, f"its {exc.claim!r} claim is not valid")) from exc
    return dict(claims)


def finish(settings: Settings, pending: dict[str, Any], code: str) -> dict[str, Any]:
    """Exchange the code (with the PKCE verifier) and return the ID token's verified claims."""
    metadata = provider(settings).metadata
    try:
        with _client(settings) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                code=code,
                code_verifier=pending["verifier"],
                grant_type="authorization_code",
            )
    except OAuthError as exc:
        raise SignInFailed(
            f"{settings.oidc_provider_name} refused the sign-in code ({exc.error}: {exc.description})."
        ) from exc
    except Exception as exc:
        raise SignInFailed(
            f"{settings.oidc_provider_name} could not be reached to finish the sign-in: {exc}"
        ) from exc
    id_token = token.get("id_token")
    if not id_token:
        raise SignInFailed(
            f"{settings.oidc_provider_name} sent no ID token: check that the scope includes openid."
        )
    try:
        return _verify(settings, id_token, token.get("access_token"), pending["nonce"])
    except SignInFailed as exc:
        log.warning("Rejected an ID token from %s: %s", settings.oidc_issuer, exc.message)
        raise SignInFailed(
            f"The answer from {settings.oidc_provider_name} was refused: {exc.message}."
        ) from exc


def account_for(session: Session, settings: Settings, claims: dict[str, Any]) -> User:
    """The account the verified claims name, by the configured claim; made only when configured to."""
    value = claims.get(settings.oidc_claim)
    if not isinstance(value, str) or not value.strip():
        raise NoAccount(
            f"{settings.oidc_provider_name} did not say who you are: the {settings.oidc_claim!r} claim is "
            "missing. Ask IT to release it to Pathways."
        )
    value = value.strip()
    if settings.oidc_match == "email":
        if claims.get("email_verified") is False and settings.oidc_claim == "email":
            raise NoAccount(f"{settings.oidc_provider_name} says the email {value} is not verified.")
        user = session.scalar(select(User).where(func.lower(User.email) == value.lower()))
        employee = session.scalar(select(Employee).where(func.lower(Employee.email) == value.lower()))
    else:
        employee = session.scalar(select(Employee).where(Employee.employee_number == value))
        user = session.scalar(select(User).where(User.employee_id == employee.id)) if employee else None
    if user is None:
        if not settings.oidc_create_accounts:
            raise NoAccount(
                f"Pathways has no account for {value}. Ask your administrator to add you; "
                "your sign-in with your organisation worked."
            )
        email = employee.email if employee is not None else claims.get("email")
        if not email:
            raise NoAccount(f"Pathways has no person with {settings.oidc_match.replace('_', ' ')} {value}.")
        name = employee.name if employee is not None else str(claims.get("name") or email)
        user = User(
            email=str(email).lower(),
            name=name[:160],
            account_role=AccountRole.EMPLOYEE.value,
            password_hash=None,
            employee_id=employee.id if employee is not None else None,
        )
        session.add(user)
        session.flush()
        log.info("Single sign-on made an account for %s", user.email)
    if not user.is_active:
        raise NoAccount("This Pathways account is turned off. Ask your administrator.")
    return user
