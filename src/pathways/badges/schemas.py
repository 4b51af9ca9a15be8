import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class BadgeOut(BaseModel):
    id: int
    credential_id: str = Field(description="The credential's id, urn:uuid:...; anyone may verify it by this.")
    kind: str = Field(description="course, level or role")
    name: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None
    revoked: bool
    credential: str = Field(description="The signed credential: a compact JWS (application/vc+jwt).")


class VerifyIn(BaseModel):
    credential: str = Field(
        min_length=1, max_length=100_000, description="A compact JWS credential (application/vc+jwt)."
    )


class CheckOut(BaseModel):
    check: str
    passed: bool


class VerificationOut(BaseModel):
    outcome: str = Field(description="valid, revoked, expired, not-yet-valid or invalid")
    valid: bool
    problem: str
    checks: list[CheckOut]
    achievement: str | None
    holder: str | None
    issuer: str | None
    valid_from: str | None
    valid_until: str | None
    credential: dict[str, Any] | None


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)
