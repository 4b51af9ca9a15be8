from pydantic import BaseModel


class StoryOut(BaseModel):
    slug: str
    title: str
    author: str
    from_role: str
    to_role: str
    months: int
    courses: list[str]
    tips: list[str]
    body: str
