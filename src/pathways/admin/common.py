from typing import Annotated

from fastapi import Depends

from pathways.auth.dependencies import current_user
from pathways.auth.models import User
from pathways.auth.permissions import ensure, is_admin

ADMINS_ONLY = "The admin pages are for administrators."


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    ensure(is_admin(user), ADMINS_ONLY)
    return user


AdminUser = Annotated[User, Depends(admin_user)]
