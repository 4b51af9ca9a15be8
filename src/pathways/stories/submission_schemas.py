import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from pathways.stories.schemas import StoryOut


class StorySubmitIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    from_role: str = Field(max_length=64, description="Role code the story moves from.")
    to_role: str = Field(max_length=64, description="Role code the story moves to.")
    months: int = Field(ge=1, le=240, description="How long the move took.")
    courses: list[str] = Field(default=[], max_length=20, description="Course codes that helped.")
    tips: list[str] = Field(default=[], max_length=10)
    body: str = Field(min_length=1, max_length=10_000)


class ModerateIn(BaseModel):
    decision: Literal["approve", "reject"]
    reason: str = Field(
        default="", max_length=1000, description="Required when rejecting; sent to the author."
    )


class StorySubmissionOut(StoryOut):
    """A story as sent in, with where it stands in moderation."""

    status: Literal["submitted", "published", "rejected", "withdrawn"]
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str
    withdrawn_at: dt.datetime | None
