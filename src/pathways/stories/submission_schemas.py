import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field


def _as_utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were stored as UTC, and a JSON date-time needs its offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]


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


class StorySubmissionOut(BaseModel):
    slug: str
    title: str
    author: str
    status: Literal["submitted", "published", "rejected", "withdrawn"]
    from_role: str
    to_role: str
    months: int
    courses: list[str]
    tips: list[str]
    body: str
    submitted_at: UtcDateTime
    decided_at: UtcDateTime | None
    reason: str
    withdrawn_at: UtcDateTime | None
