from pydantic import BaseModel, ConfigDict, Field

from pathways.careers.models import PathEdge, Role
from pathways.careers.service import RoleProfile


class PayOut(BaseModel):
    low: int
    high: int
    currency: str
    period: str
    source: str
    year: int


class OutlookOut(BaseModel):
    text: str
    source: str
    year: int


class CertificationOut(BaseModel):
    name: str
    required: bool


class RoleSummaryOut(BaseModel):
    code: str
    name: str
    family: str
    summary: str
    pay: PayOut


class RequirementOut(BaseModel):
    competency: str = Field(description="Competency code")
    competency_name: str
    level: int
    level_name: str


class CourseRefOut(BaseModel):
    code: str
    title: str
    level: int


class MoveOut(BaseModel):
    role: str = Field(description="Code of the role at the other end of the move")
    role_name: str
    typical_months: int
    requires: str


class StoryRefOut(BaseModel):
    slug: str
    title: str


class RoleDetailOut(RoleSummaryOut):
    responsibilities: list[str]
    settings: list[str]
    education: list[str]
    certifications: list[CertificationOut]
    outlook: OutlookOut
    requirements: list[RequirementOut]
    required_courses: list[CourseRefOut]
    leads_to: list[MoveOut]
    comes_from: list[MoveOut]
    stories: list[StoryRefOut]


class PathOut(BaseModel):
    # "from" is a Python keyword, so the field carries an alias; responses are serialised by alias.
    model_config = ConfigDict(populate_by_name=True)

    from_role: str = Field(alias="from", description="Code of the role the move starts from")
    to_role: str = Field(alias="to", description="Code of the role the move leads to")
    from_name: str
    to_name: str
    typical_months: int
    requires: str


def pay_out(role: Role) -> PayOut:
    return PayOut(
        low=role.pay_low,
        high=role.pay_high,
        currency=role.pay_currency,
        period=role.pay_period,
        source=role.pay_source,
        year=role.pay_year,
    )


def role_summary_out(role: Role) -> RoleSummaryOut:
    return RoleSummaryOut(
        code=role.code, name=role.name, family=role.family, summary=role.summary, pay=pay_out(role)
    )


def role_detail_out(profile: RoleProfile) -> RoleDetailOut:
    role = profile.role
    return RoleDetailOut(
        **role_summary_out(role).model_dump(),
        responsibilities=role.responsibilities,
        settings=role.settings,
        education=role.education,
        certifications=[
            CertificationOut(name=c["name"], required=bool(c["required"])) for c in role.certifications
        ],
        outlook=OutlookOut(text=role.outlook, source=role.outlook_source, year=role.outlook_year),
        requirements=[
            RequirementOut(
                competency=r.competency.code,
                competency_name=r.competency.name,
                level=r.level,
                level_name=r.level_name,
            )
            for r in profile.requirements
        ],
        required_courses=[
            CourseRefOut(code=c.code, title=c.title, level=c.level) for c in role.required_courses
        ],
        leads_to=[
            MoveOut(
                role=e.to_role.code,
                role_name=e.to_role.name,
                typical_months=e.typical_months,
                requires=e.requires,
            )
            for e in profile.leads_to
        ],
        comes_from=[
            MoveOut(
                role=e.from_role.code,
                role_name=e.from_role.name,
                typical_months=e.typical_months,
                requires=e.requires,
            )
            for e in profile.comes_from
        ],
        stories=[StoryRefOut(slug=s.slug, title=s.title) for s in profile.stories],
    )


def path_out(edge: PathEdge) -> PathOut:
    return PathOut(
        from_role=edge.from_role.code,
        to_role=edge.to_role.code,
        from_name=edge.from_role.name,
        to_name=edge.to_role.name,
        typical_months=edge.typical_months,
        requires=edge.requires,
    )
