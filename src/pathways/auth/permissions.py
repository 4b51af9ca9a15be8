"""Who may do what: decided here and nowhere else, and tested as a matrix in tests/auth."""

from pathways.auth.models import AccountRole, User
from pathways.errors import Forbidden

# Framework content (roles, competencies, courses, published stories) is open to every signed-in account.
CONTENT_READERS = frozenset(AccountRole)


def can_read_content(user: User) -> bool:
    return AccountRole(user.account_role) in CONTENT_READERS


def is_admin(user: User) -> bool:
    return user.account_role == AccountRole.ADMIN


def ensure(allowed: bool, message: str = "You do not have access to this page.") -> None:
    if not allowed:
        raise Forbidden(message)
