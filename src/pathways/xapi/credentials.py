"""Basic credentials for machine clients.

The secret is 32 random bytes (256 bits) made here, never chosen by a person, so a plain SHA-256 is enough to
keep a database leak from revealing usable secrets: nothing short of 2^256 guesses inverts it. A slow password
hash (argon2) would add tens of milliseconds to every LMS request for no gain against such a secret.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.errors import BadRequest, NotFound, shown
from pathways.xapi.models import XapiClient

AUTHORITY_HOME_PAGE = "https://pathways.example/xapi/clients"


@dataclass(frozen=True)
class IssuedCredentials:
    name: str
    key: str
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_client(session: Session, name: str) -> IssuedCredentials:
    name = name.strip()
    if not name or len(name) > 120:
        raise BadRequest("Give the client a name of 1 to 120 characters, such as the LMS's name.")
    key = secrets.token_hex(12)
    secret = secrets.token_urlsafe(32)
    session.add(XapiClient(name=name, key=key, secret_hash=_hash(secret)))
    session.flush()
    return IssuedCredentials(name=name, key=key, secret=secret)


def list_clients(session: Session) -> list[XapiClient]:
    return list(session.scalars(select(XapiClient).order_by(XapiClient.id)))


def revoke_client(session: Session, key: str) -> XapiClient:
    client = session.scalar(select(XapiClient).where(XapiClient.key == key))
    if client is None:
        raise NotFound(f"No LRS client with key {shown(key)}. `pathways lrs credentials list` shows them.")
    if client.revoked_at is None:
        client.revoked_at = dt.datetime.now(dt.UTC)
        session.flush()
    return client


@dataclass(frozen=True)
class ClientIdentity:
    """Who sent a request, as plain values: usable after the transaction that read it has ended."""

    id: int
    name: str
    key: str


def authenticate(session: Session, key: str, secret: str) -> ClientIdentity | None:
    row = session.execute(
        select(XapiClient.id, XapiClient.name, XapiClient.secret_hash, XapiClient.revoked_at).where(
            XapiClient.key == key
        )
    ).first()
    # Compare a hash either way, so an unknown key and a wrong secret take the same time.
    expected = row.secret_hash if row is not None else _hash("unknown-client")
    if not hmac.compare_digest(expected, _hash(secret)) or row is None or row.revoked_at is not None:
        return None
    return ClientIdentity(row.id, row.name, key)


def authority_for(client: ClientIdentity) -> dict[str, object]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": AUTHORITY_HOME_PAGE, "name": client.key},
    }
