import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.competencies.models import Competency
from pathways.db import Base

course_competencies = Table(
    "course_competencies",
    Base.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True),
)

course_prerequisites = Table(
    "course_prerequisites",
    Base.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("prerequisite_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    modality: Mapped[str] = mapped_column(String(16), index=True)  # e-learning | classroom | on-the-job
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    # Every competency the course builds is built up to this level.
    level: Mapped[int] = mapped_column(Integer)
    lms_id: Mapped[str] = mapped_column(String(300))

    competencies: Mapped[list[Competency]] = relationship(
        secondary=course_competencies, lazy="raise", order_by=Competency.position
    )
    prerequisites: Mapped[list["Course"]] = relationship(
        secondary=course_prerequisites,
        primaryjoin=id == course_prerequisites.c.course_id,
        secondaryjoin=id == course_prerequisites.c.prerequisite_id,
        lazy="raise",
        order_by="Course.code",
    )


class Completion(Base):
    """A course an employee finished, as the LMS (or a demo history) reported it."""

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("employee_id", "course_id", "completed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # lms | csv | xapi | manual | demo
    # What reported it, when that can be withdrawn later (an xAPI statement id, voided by the LMS).
    source_ref: Mapped[str | None] = mapped_column(String(200), index=True)

    course: Mapped[Course] = relationship(lazy="raise")
