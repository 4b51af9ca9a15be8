from pydantic import BaseModel


class CourseOut(BaseModel):
    code: str
    title: str
    summary: str
    modality: str  # e-learning | classroom | on-the-job
    hours: float
    level: int
    competencies: list[str]
    prerequisites: list[str]
    lms_url: str


class RoleRefOut(BaseModel):
    code: str
    name: str


class CourseDetailOut(CourseOut):
    needed_by: list[str]
    required_by_roles: list[RoleRefOut]
