import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.careers.models import Role
from pathways.db import Base, UtcDateTime
from pathways.learning.models import Course
from pathways.org.models import Employee


class CareerTracker(Base):
    """One employee's live tracker towards one target role."""

    __tablename__ = "career_trackers"
    __table_args__ = (UniqueConstraint("employee_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every change, so a workbook exported at revision N can tell it is out of date.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    approved_revision: Mapped[int | None] = mapped_column(Integer)
    approved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())

    employee: Mapped[Employee] = relationship(lazy="raise")
    role: Mapped[Role] = relationship(lazy="raise")
    courses: Mapped[list["TrackerCourse"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackerCourse.quarter"
    )
    goals: Mapped[list["TrackerGoal"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackerGoal.id"
    )
    certifications: Mapped[list["TrackerCertification"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackerCertification.name"
    )
    conversations: Mapped[list["TrackerConversation"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackerConversation.id"
    )
    comments: Mapped[list["TrackerComment"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackerComment.id"
    )
    changes: Mapped[list["TrackerChange"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackerChange.id"
    )


class TrackerCourse(Base):
    """A course placed in a quarter of the plan ("2027-Q1")."""

    __tablename__ = "tracker_courses"
    __table_args__ = (UniqueConstraint("tracker_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("career_trackers.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(16))  # planner | manual | workbook | api

    course: Mapped[Course] = relationship(lazy="raise")


class TrackerGoal(Base):
    __tablename__ = "tracker_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("career_trackers.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)


class TrackerCertification(Base):
    """A certification of the target role the employee says they hold; a supervisor may verify it."""

    __tablename__ = "tracker_certifications"
    __table_args__ = (UniqueConstraint("tracker_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("career_trackers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    verified_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class TrackerConversation(Base):
    """A career conversation with the manager: asked for by the employee, answered by the manager (a time, or
    a decline with a reason), held, and its outcome recorded. See trackers.conversations.STATUSES."""

    __tablename__ = "tracker_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("career_trackers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    # The manager's answer: the proposed time (the site's wall-clock time, as people say it) and a message.
    scheduled_for: Mapped[dt.datetime | None] = mapped_column(DateTime())
    response: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    questions: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class TrackerComment(Base):
    __tablename__ = "tracker_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("career_trackers.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16), default="comment")  # comment | approval
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())


class TrackerChange(Base):
    """One line of the tracker's history: what changed at which revision, and who changed it."""

    __tablename__ = "tracker_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("career_trackers.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
