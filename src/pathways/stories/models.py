from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.careers.models import Role
from pathways.db import Base
from pathways.learning.models import Course

story_courses = Table(
    "story_courses",
    Base.metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


class Story(Base):
    """A coworker's first-person account of a move along the lattice."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(120))
    from_role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), index=True)
    to_role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    tips: Mapped[list[str]] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
    # Shipped stories are published; submitted ones wait for moderation (a later issue).
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)

    from_role: Mapped[Role] = relationship(foreign_keys=[from_role_id], lazy="raise")
    to_role: Mapped[Role] = relationship(foreign_keys=[to_role_id], lazy="raise")
    courses: Mapped[list[Course]] = relationship(secondary=story_courses, lazy="raise", order_by=Course.code)
