import datetime as dt

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pathways.db import Base, UtcDateTime


class Notification(Base):
    """One message in a user's in-app inbox: a new assignment, a due date, a confirmation to give..."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    read_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
