import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.careers.models import Role
from pathways.db import Base, UtcDateTime


class SiteType(StrEnum):
    PATIENT_SERVICE_CENTER = "patient-service-center"
    IN_OFFICE = "in-office"
    HOUSE_CALLS = "house-calls"
    LONG_TERM_CARE = "long-term-care"
    HOSPITAL = "hospital"


class EmploymentStatus(StrEnum):
    """As the HR feed says it. A person on leave keeps their account; a terminated person's is turned off."""

    ACTIVE = "active"
    LEAVE = "leave"
    TERMINATED = "terminated"


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    site_type: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(lazy="raise")


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    hire_date: Mapped[dt.date] = mapped_column(Date)
    # Time in role drives eligibility for a move; it is not derivable from hire_date after a promotion.
    role_since: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")

    role: Mapped[Role] = relationship(lazy="raise")
    site: Mapped[Site] = relationship(lazy="raise")
    manager: Mapped["Employee | None"] = relationship(remote_side=[id], lazy="raise")


class EmployeeMove(Base):
    """One change of a person's job role, site, manager or employment status: their history.

    Written by the HR import (org/people_import.py) and by a supervisor recording a move (teams/moves.py).
    `changes` names what changed ("role,site"): a `to_manager_id` of None is then "no manager", not
    "unchanged".
    """

    __tablename__ = "employee_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    moved_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))  # hr-import | supervisor | scim
    changes: Mapped[str] = mapped_column(String(64))
    from_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"))
    to_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"))
    from_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    to_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    from_manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    to_manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class PeopleImport(Base):
    """An HR feed uploaded in the browser, kept between its preview and its apply so that any web worker can
    apply it; the content is dropped once applied and the summary stays."""

    __tablename__ = "people_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    deactivate_missing: Mapped[bool] = mapped_column(default=False)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    # Claimed in a transaction of its own before the apply: a double click or a second server applies it once.
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    applied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
