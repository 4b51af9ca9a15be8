import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.careers.models import Role
from pathways.db import Base


class SiteType(StrEnum):
    PATIENT_SERVICE_CENTER = "patient-service-center"
    IN_OFFICE = "in-office"
    HOUSE_CALLS = "house-calls"
    LONG_TERM_CARE = "long-term-care"
    HOSPITAL = "hospital"


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
    employee_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    hire_date: Mapped[dt.date] = mapped_column(Date)
    # Time in role drives eligibility for a move; it is not derivable from hire_date after a promotion.
    role_since: Mapped[dt.date] = mapped_column(Date)

    role: Mapped[Role] = relationship(lazy="raise")
    site: Mapped[Site] = relationship(lazy="raise")
    manager: Mapped["Employee | None"] = relationship(remote_side=[id], lazy="raise")
