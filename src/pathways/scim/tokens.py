"""Bearer tokens for identity systems: made by `pathways scim token create`, printed once, stored as a hash
(the digest personal API tokens use), named after the system that holds them, and revoked by that name."""

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.service import token_digest
from pathways.errors import BadRequest, NotFound
from pathways.scim.models import ScimToken

PREFIX = "scim_"
MAX_NAME = 120


def create_token(session: Session, name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BadRequest(f"A token's name is 1 to {MAX_NAME} characters, like the identity system's: IDP.")
    if session.scalar(select(ScimToken.id).where(ScimToken.name == name, ScimToken.revoked_at.is_(None))):
        raise BadRequest(
            f"A SCIM token named {name} is already in use; revoke it first or pick another name."
        )
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ScimToken(name=name, token_hash=token_digest(token)))
    session.flush()
    return token


def list_tokens(session: Session) -> list[ScimToken]:
    return list(session.scalars(select(ScimToken).order_by(ScimToken.created_at, ScimToken.id)))


def revoke_token(session: Session, name: str) -> int:
    tokens = list(
        session.scalars(
            select(ScimToken).where(ScimToken.name == name.strip(), ScimToken.revoked_at.is_(None))
        )
    )
    if not tokens:
        raise NotFound(f"No SCIM token named {name.strip()} is in use.")
    for token in tokens:
        token.revoked_at = dt.datetime.now(dt.UTC)
    session.flush()
    return len(tokens)


def token_for(session: Session, token: str) -> ScimToken | None:
    return session.scalar(
        select(ScimToken).where(ScimToken.token_hash == token_digest(token), ScimToken.revoked_at.is_(None))
    )
