"""Basic credentials for machine clients.

The secret is 32 random bytes (256 bits) made here, never chosen by a person, so a plain SHA-256 is enough to
keep a database leak from revealing usable secrets: nothing short of 2^256 guesses inverts it. A slow password
hash (argon2) would add tens of milliseconds to every LMS request for no gain against such a secret.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.errors import BadRequest, NotFound, shown
from pathways.xapi.models import XapiClient

AUTHORITY_HOME_PAGE = "https://pathways.example/xapi/clients"

# The xAPI specification's scope names (1.0.3 Communication 4.1, kept by 2.0): what a client may do.
ALL = "all"
ALL_READ = "all/read"
STATEMENTS_WRITE = "statements/write"
STATEMENTS_READ = "statements/read"
STATEMENTS_READ_MINE = "statements/read/mine"
STATE = "state"
PROFILE = "profile"
SCOPES = {
    ALL: "every resource, reading and writing",
    ALL_READ: "read every resource",
    STATEMENTS_WRITE: "store and void statements",
    STATEMENTS_READ: "read every statement",
    STATEMENTS_READ_MINE: "read the statements these credentials stored",
    STATE: "read and write State documents",
    PROFILE: "read and write Activity and Agent Profile documents, and read the Agents resource",
}
# What each kind of request needs: any one of these.
WRITE_STATEMENTS = frozenset({ALL, STATEMENTS_WRITE})
READ_STATEMENTS = frozenset({ALL, ALL_READ, STATEMENTS_READ, STATEMENTS_READ_MINE})
READ_STATE = frozenset({ALL, ALL_READ, STATE})
WRITE_STATE = frozenset({ALL, STATE})
READ_PROFILES = frozenset({ALL, ALL_READ, PROFILE})
WRITE_PROFILES = frozenset({ALL, PROFILE})
# An activity's definition is what statements already carry: any client that reads something may read it.
READ_ACTIVITIES = frozenset({ALL, ALL_READ, STATEMENTS_READ, STATEMENTS_READ_MINE, STATE, PROFILE})
# The Person object names the employee's email and employee number: for clients trusted with profiles.
READ_AGENTS = READ_PROFILES
ANY = frozenset(SCOPES)

# A client's credentials, once checked against the database, are trusted this long without asking again: an
# LMS sends a batch every few milliseconds, and the query was a fifth of the LRS's own work per batch. The
# secret is still hashed and compared on every request. A revocation is seen at once by the process that
# made it (revoke_client empties the cache) and within this many seconds by every other server.
CACHE_SECONDS = 5.0
_checked: dict[tuple[str, str], tuple[float, str, "ClientIdentity"]] = {}


@dataclass(frozen=True)
class IssuedCredentials:
    name: str
    key: str
    secret: str
    scopes: frozenset[str]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def checked_scopes(scopes: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(scope.strip().lower() for scope in scopes if scope.strip()) or frozenset({ALL})
    unknown = sorted(chosen - ANY)
    if unknown:
        raise BadRequest(
            f"Unknown scope{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"The scopes are: {', '.join(SCOPES)}."
        )
    return chosen


def create_client(session: Session, name: str, scopes: Iterable[str] = (ALL,)) -> IssuedCredentials:
    name = name.strip()
    if not name or len(name) > 120:
        raise BadRequest("Give the client a name of 1 to 120 characters, such as the LMS's name.")
    chosen = checked_scopes(scopes)
    key = secrets.token_hex(12)
    secret = _secret()
    session.add(XapiClient(name=name, key=key, secret_hash=_hash(secret), scopes=" ".join(sorted(chosen))))
    session.flush()
    return IssuedCredentials(name=name, key=key, secret=secret, scopes=chosen)


def _secret() -> str:
    # A secret that begins with "-" reads as an option to command-line clients (`-p -x…` in ADL's runner,
    # which then printed its usage and failed about 1 run in 64): draw again until it does not.
    while (secret := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return secret


def list_clients(session: Session) -> list[XapiClient]:
    return list(session.scalars(select(XapiClient).order_by(XapiClient.id)))


def revoke_client(session: Session, key: str) -> XapiClient:
    client = session.scalar(select(XapiClient).where(XapiClient.key == key))
    if client is None:
        raise NotFound(f"No LRS client with key {shown(key)}. `pathways lrs credentials list` shows them.")
    if client.revoked_at is None:
        client.revoked_at = dt.datetime.now(dt.UTC)
        session.flush()
    for cached in [k for k in _checked if k[1] == key]:
        _checked.pop(cached, None)
    return client


@dataclass(frozen=True)
class ClientIdentity:
    """Who sent a request, as plain values: usable after the transaction that read it has ended."""

    id: int
    name: str
    key: str
    scopes: frozenset[str] = frozenset({ALL})

    @property
    def reads_only_its_own(self) -> bool:
        """statements/read/mine without a scope that reads every statement."""
        return not self.scopes & {ALL, ALL_READ, STATEMENTS_READ}


def _cache_key(session: Session, key: str) -> tuple[str, str]:
    return str(session.get_bind().engine.url), key


def authenticate(session: Session, key: str, secret: str) -> ClientIdentity | None:
    cached = _checked.get(_cache_key(session, key))
    if cached is not None and cached[0] > time.monotonic():
        _expires, secret_hash, identity = cached
        return identity if hmac.compare_digest(secret_hash, _hash(secret)) else None
    row = session.execute(
        select(
            XapiClient.id, XapiClient.name, XapiClient.secret_hash, XapiClient.revoked_at, XapiClient.scopes
        ).where(XapiClient.key == key)
    ).first()
    # Compare a hash either way, so an unknown key and a wrong secret take the same time.
    expected = row.secret_hash if row is not None else _hash("unknown-client")
    if not hmac.compare_digest(expected, _hash(secret)) or row is None or row.revoked_at is not None:
        return None
    identity = ClientIdentity(row.id, row.name, key, frozenset(row.scopes.split()))
    _checked[_cache_key(session, key)] = (time.monotonic() + CACHE_SECONDS, row.secret_hash, identity)
    return identity


def authority_for(client: ClientIdentity) -> dict[str, object]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": AUTHORITY_HOME_PAGE, "name": client.key},
    }
