from pydantic import BaseModel


class LevelOut(BaseModel):
    level: int
    name: str
    behaviour: str


class CompetencyOut(BaseModel):
    code: str
    name: str
    kind: str  # framework | technical
    definition: str
    levels: list[LevelOut]


class RoleRequirementOut(BaseModel):
    role: str
    role_name: str
    level: int


class CompetencyDetailOut(CompetencyOut):
    courses: list[str]
    required_by: list[RoleRequirementOut]
