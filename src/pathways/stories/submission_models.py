import datetime as dt

from sqlalchemy import ForeignKey, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pathways.db import Base, UtcDateTime
from pathways.stories.models import Story


class StorySubmission(Base):
    """Who sent a story in and what became of it; shipped stories have none."""

    __tablename__ = "story_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), unique=True)
    author_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    submitted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    story: Mapped[Story] = relationship(lazy="raise")
