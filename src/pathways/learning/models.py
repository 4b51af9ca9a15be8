import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.competencies.models import Competency
from pathways.db import Base, UtcDateTime

if TYPE_CHECKING:  # imported for the type checker only: those modules import this one
    from pathways.auth.models import User
    from pathways.org.models import Employee

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
    # Recertification: a completion counts for this many months, then the course is due again. None: forever.
    valid_for_months: Mapped[int | None] = mapped_column(Integer)

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


# ---------------------------------------------------------------- learning plans (issue 3)
# Courses required by a job role are not stored here: the plan computes them from the employee's current role
# (role_required_courses), so a promotion or a content change takes effect at once with no sync job. Only what
# people decide is stored: assignments, choices from career trackers, starts, hand marks and reminders sent.


class Assignment(Base):
    """A course a supervisor, trainer or administrator requires of one person, with a due date.

    One row per person and course: assigning again reopens the same row rather than adding a duplicate,
    and the unique constraint keeps two concurrent assigners from creating two.
    """

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("employee_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | cancelled | waived
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text)
    # Why it was cancelled or waived; the full story is in assignment_events.
    state_reason: Mapped[str] = mapped_column(Text, default="")
    assigned_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    course: Mapped[Course] = relationship(lazy="raise")
    employee: Mapped["Employee"] = relationship(lazy="raise")
    assigned_by: Mapped["User | None"] = relationship(lazy="raise")


class AssignmentEvent(Base):
    """The history of an assignment: assigned, due date moved, cancelled, waived, reopened."""

    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class ChosenCourse(Base):
    """A course an employee planned in one of their career trackers, towards a target role."""

    __tablename__ = "chosen_courses"
    __table_args__ = (UniqueConstraint("employee_id", "course_id", "tracker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    # No foreign key: the trackers table arrives in a later migration, and trackers remove their own rows.
    tracker_id: Mapped[int] = mapped_column(Integer, index=True)
    target_role_code: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class CourseStart(Base):
    """The employee has started a course (their own mark, or a launch reported by the LMS)."""

    __tablename__ = "course_starts"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # manual | xapi


class CompletionClaim(Base):
    """An employee's own mark on a required course, waiting for their supervisor to confirm it."""

    __tablename__ = "completion_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | confirmed | rejected
    claimed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    claimed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    note: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(lazy="raise")
    employee: Mapped["Employee"] = relationship(lazy="raise")


class LearningReminder(Base):
    """A due-soon or overdue reminder already sent, so the reminder run never sends the same one twice."""

    __tablename__ = "learning_reminders"
    # The due date is part of the key: when a due date moves, the new date earns its own reminders.
    __table_args__ = (UniqueConstraint("employee_id", "course_id", "kind", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # due-soon | overdue
    due_on: Mapped[dt.date] = mapped_column(Date)
    sent_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class CompletionImport(Base):
    """One completions file: uploaded in the browser (kept between preview and apply, so that any web worker
    can apply it), or applied from the command line or the API. An apply commits batch by batch and notes how
    far it got, so that a run of the same file after an interruption can say what had been applied."""

    __tablename__ = "completion_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # upload | cli | api
    source: Mapped[str] = mapped_column(String(16), default="upload", server_default="upload")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    # Cleared once applied: the summary is what stays.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())  # the apply began
    # What the committed batches of the apply have covered: rows of the file, and completions recorded.
    rows_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    recorded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    applied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
