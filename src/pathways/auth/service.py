import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.auth.models import ApiToken, User
from pathways.auth.passwords import hash_password, verify_password
from pathways.auth.schemas import NewUser
from pathways.errors import Conflict, NotFound
from pathways.org.models import Employee

SIGN_IN_FAILED = "That email and password do not match an account. Check both and try again."


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def password_matches(user: User | None, password: str) -> bool:
    # One answer for "no such account" and "wrong password": the caller shows SIGN_IN_FAILED for both, and an
    # unknown account costs the same hash check as a known one.
    ok = verify_password(user.password_hash if user else None, password)
    return user is not None and ok and user.is_active


def add_user(session: Session, new: NewUser) -> User:
    email = normalise_email(new.email)
    if get_user_by_email(session, email) is not None:
        raise Conflict(f"An account for {email} already exists.")
    employee_id = session.scalar(select(Employee.id).where(func.lower(Employee.email) == email))
    user = User(
        email=email,
        name=new.name,
        account_role=new.account_role.value,
        password_hash=hash_password(new.password) if new.password else None,
        employee_id=employee_id,
    )
    session.add(user)
    session.flush()
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, email: str) -> str:
    user = get_user_by_email(session, email)
    if user is None:
        raise NotFound(f"No account for {normalise_email(email)}.")
    token = "pw_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def revoke_tokens(session: Session, user: User) -> int:
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    count = 0
    for token in tokens:
        token.revoked_at = dt.datetime.now(dt.UTC)
        count += 1
    session.flush()
    return count
