from pydantic import BaseModel, EmailStr, Field

from pathways.auth.models import AccountRole


class NewUser(BaseModel):
    email: EmailStr
    name: str = Field(min_length=1, max_length=160)
    account_role: AccountRole
    password: str | None = Field(default=None, min_length=10, max_length=200)


class Me(BaseModel):
    id: int
    email: str
    name: str
    account_role: AccountRole
    employee_id: int | None
