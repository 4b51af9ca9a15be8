from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.competencies.models import Competency
from pathways.db import Base
from pathways.learning.models import Course

role_required_courses = Table(
    "role_required_courses",
    Base.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Base):
    """A job in the career lattice (PSR I, Site Lead, Medical Coder, ...)."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    family: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    responsibilities: Mapped[list[str]] = mapped_column(JSON)
    settings: Mapped[list[str]] = mapped_column(JSON)
    education: Mapped[list[str]] = mapped_column(JSON)
    certifications: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pay_low: Mapped[int] = mapped_column(Integer)
    pay_high: Mapped[int] = mapped_column(Integer)
    pay_currency: Mapped[str] = mapped_column(String(3))
    pay_period: Mapped[str] = mapped_column(String(8))
    pay_source: Mapped[str] = mapped_column(Text)
    pay_year: Mapped[int] = mapped_column(Integer)
    outlook: Mapped[str] = mapped_column(Text)
    outlook_source: Mapped[str] = mapped_column(Text)
    outlook_year: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(default=0)

    requirements: Mapped[list["RoleCompetency"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RoleCompetency.position"
    )
    required_courses: Mapped[list[Course]] = relationship(
        secondary=role_required_courses, lazy="raise", order_by=Course.code
    )


class RoleCompetency(Base):
    """A competency a role requires, and at which level of the scale."""

    __tablename__ = "role_competencies"

    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(default=0)

    competency: Mapped[Competency] = relationship(lazy="raise")


class PathEdge(Base):
    """A move in the lattice: from one role to another, how long it usually takes, what it needs."""

    __tablename__ = "path_edges"
    __table_args__ = (UniqueConstraint("from_role_id", "to_role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    to_role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    typical_months: Mapped[int] = mapped_column(Integer)
    requires: Mapped[str] = mapped_column(Text)

    from_role: Mapped[Role] = relationship(foreign_keys=[from_role_id], lazy="raise")
    to_role: Mapped[Role] = relationship(foreign_keys=[to_role_id], lazy="raise")
