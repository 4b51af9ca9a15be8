from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from pathways.auth import service
from pathways.auth.models import User
from pathways.auth.permissions import ensure_admin
from pathways.deps import DbSession
from pathways.errors import Unauthorized
from pathways.inbox import service as inbox

SIGN_IN_REQUIRED = "Sign in to continue."


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, as pages show it: a plain copy, still readable after the session rolls back."""

    id: int
    name: str
    email: str
    account_role: str
    employee_id: int | None
    unread: int = 0  # inbox messages not yet read, for the navigation (issue 15)


def optional_user(request: Request, session: DbSession) -> User | None:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = service.user_for_token(session, authorization[7:].strip())
        if user is None:
            raise Unauthorized("The API token is not valid or has been revoked.")
    else:
        user_id = request.session.get("user_id")
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is not None and (not user.is_active or request.session.get("epoch") != user.session_epoch):
            user = None
    request.state.user = (
        SignedIn(
            user.id,
            user.name,
            user.email,
            user.account_role,
            user.employee_id,
            unread_for_page(request, session, user),
        )
        if user
        else None
    )
    return user


def unread_for_page(request: Request, session: Session, user: User) -> int:
    """The navigation's unread count: asked only for a page a browser may show, not for API calls."""
    if request.method != "GET" or request.url.path.startswith("/api/"):
        return 0
    return inbox.unread_count(session, user.id)


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise Unauthorized(SIGN_IN_REQUIRED)
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


ADMINS_ONLY = "The admin pages are for administrators."


def admin_user(user: CurrentUser) -> User:
    ensure_admin(user, ADMINS_ONLY)
    return user


AdminUser = Annotated[User, Depends(admin_user)]
