import datetime as dt

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base, UtcDateTime


class ScimToken(Base):
    """A bearer token for an identity system (Entra ID, Okta) that provisions people by SCIM. Only its
    SHA-256 is stored, as for personal API tokens; it belongs to no account, and reaches only /scim/v2."""

    __tablename__ = "scim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class ScimIdentity(Base):
    """What an identity system calls a person beyond the HR record: its userName and externalId, and whether
    it deleted them. A SCIM DELETE ends the person's employment as the HR feed does, and hides them from
    /scim/v2, but nothing is deleted; creating them again brings the same person back."""

    __tablename__ = "scim_identities"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    user_name: Mapped[str | None] = mapped_column(String(254), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # As the identity system spelled them: the HR rules keep employee numbers in upper case, and one work
    # email with no type; SCIM gives back what it was sent.
    employee_number: Mapped[str | None] = mapped_column(String(64))
    email_type: Mapped[str | None] = mapped_column(String(32))
    email_primary: Mapped[bool | None] = mapped_column()
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
