"""The shape of each content/ file; content/README.md describes the same format for editors."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pathways.org.models import SiteType
from pathways.teams.models import ANY_SITE_TYPE

Slug = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
Level = Field(ge=1, le=4)


class Item(BaseModel):
    # A misspelt key is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ScaleLevel(Item):
    level: int = Level
    name: str = Field(min_length=1, max_length=60)
    summary: str = Field(min_length=1)


class LevelBehaviour(Item):
    level: int = Level
    behaviour: str = Field(min_length=1)


class CompetencyItem(Item):
    code: str = Slug
    name: str = Field(min_length=1, max_length=120)
    kind: Literal["framework", "technical"]
    definition: str = Field(min_length=1)
    levels: list[LevelBehaviour]

    @field_validator("levels")
    @classmethod
    def four_levels_in_order(cls, levels: list[LevelBehaviour]) -> list[LevelBehaviour]:
        if [lv.level for lv in levels] != [1, 2, 3, 4]:
            raise ValueError("must list levels 1, 2, 3 and 4, in that order")
        return levels


class Certification(Item):
    name: str = Field(min_length=1)
    # The kind in certifications.yaml: a person's verified, unexpired certificate of it meets the requirement.
    kind: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    required: bool


class LegalRequirement(Item):
    where: str = Field(min_length=1, max_length=120)
    note: str = Field(min_length=1, max_length=600)
    source: str = Field(min_length=1, max_length=300)


class CertificationKindItem(Item):
    code: str = Slug
    name: str = Field(min_length=1, max_length=160)
    summary: str = Field(min_length=1)
    issuing_bodies: list[str] = Field(min_length=1, max_length=20)
    renewal_months: int = Field(ge=1, le=120)
    renewal_source: str = Field(min_length=1, max_length=300)
    required_by_law: list[LegalRequirement] = []


class Pay(Item):
    low: int = Field(gt=0)
    high: int = Field(gt=0)
    currency: Literal["USD"]
    period: Literal["year", "hour"]
    source: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)


class Outlook(Item):
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)


class RoleItem(Item):
    code: str = Slug
    name: str = Field(min_length=1, max_length=120)
    family: Literal["patient-services", "leadership", "revenue-cycle"]
    summary: str = Field(min_length=1)
    responsibilities: list[str] = Field(min_length=1)
    settings: list[str] = Field(min_length=1)
    education: list[str]
    certifications: list[Certification]
    pay: Pay
    outlook: Outlook
    competencies: dict[str, int] = Field(min_length=1)
    required_courses: list[str] = []

    @field_validator("competencies")
    @classmethod
    def levels_on_scale(cls, required: dict[str, int]) -> dict[str, int]:
        for code, level in required.items():
            if not 1 <= level <= 4:
                raise ValueError(f"level for '{code}' must be between 1 and 4, not {level}")
        return required


class PathItem(Item):
    from_: str = Field(alias="from")
    to: str
    typical_months: int = Field(ge=1, le=240)
    requires: str = Field(min_length=1)


class CourseItem(Item):
    code: str = Field(pattern=r"^[A-Z]{2,6}-[0-9]{2,4}[A-Z]?$")
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1)
    modality: Literal["e-learning", "classroom", "on-the-job"]
    hours: Decimal = Field(gt=0, le=200, decimal_places=2)
    level: int = Level
    competencies: list[str] = Field(min_length=1)
    prerequisites: list[str] = []
    lms_id: str = Field(pattern=r"^https?://\S+$", max_length=300)
    # Recertification: after this many months a completion no longer counts and the course is due again.
    valid_for_months: int | None = Field(default=None, ge=1, le=120)


class StoryItem(Item):
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)
    title: str = Field(min_length=1, max_length=200)
    author: str = Field(min_length=1, max_length=120)
    from_role: str
    to_role: str
    months: int = Field(ge=1, le=240)
    courses: list[str] = []
    tips: list[str] = []
    body: str = Field(min_length=1)


# "any", or a kind of site the org model knows; the template for a site type wins over the role's "any" one.
SITE_TYPES = (ANY_SITE_TYPE, *(t.value for t in SiteType))


class OnboardingStep(Item):
    code: str = Slug
    title: str = Field(min_length=1, max_length=200)
    detail: str = Field(default="", max_length=1000)
    # Days after the plan starts; a year is the longest any new hire's checklist runs.
    due_days: int = Field(ge=0, le=365)


class OnboardingTemplateItem(Item):
    name: str = Field(min_length=1, max_length=160)
    role: str = Field(min_length=1, max_length=64)
    site_type: str = Field(max_length=32)
    items: list[OnboardingStep] = Field(min_length=1, max_length=40)

    @field_validator("site_type")
    @classmethod
    def known_site_type(cls, value: str) -> str:
        if value not in SITE_TYPES:
            raise ValueError(f"must be one of: {', '.join(SITE_TYPES)}")
        return value


class PracticeRuleItem(Item):
    """How much passed practice a competency needs before the practice desk evidences a level."""

    competency: str = Slug
    cases: int = Field(ge=1, le=100)
    case_types: int = Field(ge=1, le=20)
    why: str = Field(min_length=1, max_length=200, pattern=r"^[^\n]*$")  # one line, shown beside the rule


SearchTerm = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 '-]*$")


class SynonymItem(Item):
    """Words people type (terms) and the word the content uses (means); the search looks for both."""

    means: str = SearchTerm
    terms: list[str] = Field(min_length=1, max_length=30)

    @field_validator("terms")
    @classmethod
    def terms_are_words(cls, terms: list[str]) -> list[str]:
        for term in terms:
            term = term.strip()
            if not term or len(term) > 100 or not all(ch.isalnum() or ch in " '-" for ch in term):
                raise ValueError(f"{term!r} must be 1-100 letters, digits, spaces, apostrophes or hyphens")
        return [term.strip() for term in terms]
