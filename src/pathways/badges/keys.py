"""The organisation's signing keys: made, rotated and published here, never written in code or config.

A key is an ES256 (P-256) key pair. Its private half is stored in the database as a PKCS#8 PEM encrypted with
a password derived from PATHWAYS_SECRET_KEY; its public half is published by kid in the issuer's JWKS.
Rotation retires the signing key but keeps it: a badge names its key by kid, and must still verify after
a rotation.
"""

import datetime as dt
import hashlib
from typing import Any

from joserfc.jwk import ECKey, KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.badges.models import BadgeKey
from pathways.errors import AppError

ALGORITHM = "ES256"


class KeyUnreadable(AppError):
    def __init__(self) -> None:
        super().__init__(
            "The badge signing key cannot be decrypted with this PATHWAYS_SECRET_KEY: was the secret "
            "changed? Restore it, or make a new key with `pathways badges key rotate`.",
            500,
        )


def _password(secret_key: str) -> str:
    # A purpose-bound derivation: the session cookie's secret is never used as is for another job.
    return hashlib.sha256(f"pathways-badge-signing-key:{secret_key}".encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_key(session: Session, secret_key: str) -> BadgeKey:
    """A new signing key; the one that signed until now is retired (it still verifies)."""
    key = ECKey.generate_key("P-256")
    kid = key.thumbprint()
    public = {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    now = _now()
    for current in session.scalars(select(BadgeKey).where(BadgeKey.retired_at.is_(None))):
        current.retired_at = now
    row = BadgeKey(
        kid=kid,
        private_pem=key.as_pem(private=True, password=_password(secret_key)).decode(),
        public_jwk=public,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def signing_key(session: Session, secret_key: str) -> tuple[str, ECKey]:
    """(kid, private key) of the current key, made on first use."""
    row = session.scalar(
        select(BadgeKey).where(BadgeKey.retired_at.is_(None)).order_by(BadgeKey.id.desc()).limit(1)
    )
    if row is None:
        row = make_key(session, secret_key)
    try:
        key = ECKey.import_key(row.private_pem.encode(), password=_password(secret_key))
    except ValueError as exc:
        raise KeyUnreadable() from exc
    return row.kid, key


def jwks(session: Session) -> dict[str, Any]:
    """Every key's public half, the retired ones too: what verifiers fetch from the issuer."""
    return {"keys": [row.public_jwk for row in session.scalars(select(BadgeKey).order_by(BadgeKey.id))]}


def key_set(session: Session) -> KeySet:
    return KeySet.import_key_set(jwks(session))  # type: ignore[arg-type]
