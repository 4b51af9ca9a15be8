"""Editing onboarding templates (admins): YAML in the browser, checked like content/ files, audited."""

import datetime as dt
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.careers.models import Role
from pathways.content.editing import EditRejected
from pathways.errors import NotFound
from pathways.org.models import SiteType
from pathways.teams.models import ANY_SITE_TYPE, OnboardingTemplate

SITE_TYPES = (ANY_SITE_TYPE, *(t.value for t in SiteType))
HELP = (
    f"name; role (a role code); site_type (any, or one of: {', '.join(SITE_TYPES[1:])}); items: a list of "
    "steps, each with code (lowercase-with-hyphens, unique in the template), title, detail and due_days "
    "(days after the plan starts). The template for a site type wins over the role's 'any' template."
)
EXAMPLE = """name: PSR I at a hospital
role: psr-1
site_type: hospital
items:
  - code: welcome
    title: Welcome, site tour and introductions
    detail: Meet the team, the mentor and the site lead.
    due_days: 1
"""


class TemplateItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)
    title: str = Field(min_length=1, max_length=200)
    detail: str = Field(default="", max_length=1000)
    due_days: int = Field(ge=0, le=365, description="Days after the plan starts")


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=160)
    role: str = Field(max_length=64)
    site_type: str
    items: list[TemplateItemIn] = Field(min_length=1, max_length=40)

    @field_validator("site_type")
    @classmethod
    def known_site_type(cls, value: str) -> str:
        if value not in SITE_TYPES:
            raise ValueError(f"must be one of: {', '.join(SITE_TYPES)}")
        return value

    @field_validator("items")
    @classmethod
    def unique_codes(cls, items: list[TemplateItemIn]) -> list[TemplateItemIn]:
        codes = [item.code for item in items]
        duplicate = next((code for code in codes if codes.count(code) > 1), None)
        if duplicate:
            raise ValueError(f"step code '{duplicate}' is used twice")
        return items


def as_yaml(template: OnboardingTemplate) -> str:
    data = {
        "name": template.name,
        "role": template.role_code,
        "site_type": template.site_type,
        "items": template.items,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def snapshot(template: OnboardingTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        "role": template.role_code,
        "site_type": template.site_type,
        "items": list(template.items),
    }


def get_template(session: Session, template_id: int) -> OnboardingTemplate:
    template = session.get(OnboardingTemplate, template_id)
    if template is None:
        raise NotFound(f"No onboarding template with id {template_id}.")
    return template


def parse(session: Session, text: str) -> TemplateIn:
    try:
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise EditRejected([f"line {line}: not valid YAML: {exc.problem}"]) from exc
    if not isinstance(raw, dict):
        raise EditRejected(["A template is a mapping with name, role, site_type and items."])
    try:
        parsed = TemplateIn.model_validate(raw)
    except ValidationError as exc:
        raise EditRejected(
            [f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in exc.errors()]
        ) from exc
    if session.scalar(select(Role.id).where(Role.code == parsed.role)) is None:
        raise EditRejected([f"role: unknown role '{parsed.role}'"])
    return parsed


def save(session: Session, actor_user_id: int, template_id: int | None, text: str) -> OnboardingTemplate:
    parsed = parse(session, text)
    clash = session.scalar(
        select(OnboardingTemplate.id).where(
            OnboardingTemplate.role_code == parsed.role, OnboardingTemplate.site_type == parsed.site_type
        )
    )
    if clash is not None and clash != template_id:
        raise EditRejected([f"A template for {parsed.role} at {parsed.site_type} sites already exists."])
    template = get_template(session, template_id) if template_id is not None else OnboardingTemplate()
    before = snapshot(template) if template_id is not None else None
    template.name, template.role_code, template.site_type = parsed.name, parsed.role, parsed.site_type
    template.items = [item.model_dump() for item in parsed.items]
    template.updated_at = dt.datetime.now(dt.UTC)
    session.add(template)
    session.flush()
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action="content.create" if before is None else "content.update",
        entity="onboarding_templates",
        entity_id=template.id,
        before=before,
        after=snapshot(template),
    )
    return template


def delete(session: Session, actor_user_id: int, template_id: int) -> None:
    # Plans already started keep their own copy of the steps, so removing a template touches no one's plan.
    template = get_template(session, template_id)
    before = snapshot(template)
    session.delete(template)
    session.flush()
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action="content.delete",
        entity="onboarding_templates",
        entity_id=template_id,
        before=before,
        after=None,
    )
