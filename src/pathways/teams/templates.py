"""Editing onboarding templates (admins): YAML in the browser, saved exactly as `pathways content load` loads
content/onboarding.yaml (content.editing), audited. The pages address a template by its row id."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.content import editing, export
from pathways.content.schemas import SITE_TYPES
from pathways.errors import NotFound
from pathways.teams.models import OnboardingTemplate

HELP = (
    "The format of one item of content/onboarding.yaml, as content/README.md describes it: "
    f"name; role (a role code); site_type (any, or one of: {', '.join(SITE_TYPES[1:])}); items: a list of "
    "steps, each with code (lowercase-with-hyphens, unique in the template), title, detail and due_days "
    "(days after the plan starts, 0 to 365). A site type's template wins over the role's 'any' template."
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


def as_yaml(template: OnboardingTemplate) -> str:
    return editing.item_yaml(export.onboarding_item(template))


def get_template(session: Session, template_id: int) -> OnboardingTemplate:
    template = session.get(OnboardingTemplate, template_id)
    if template is None:
        raise NotFound(f"No onboarding template with id {template_id}.")
    return template


def _key(template: OnboardingTemplate) -> str:
    return editing.ONBOARDING.key(export.onboarding_item(template))


def save(session: Session, actor_user_id: int, template_id: int | None, text: str) -> OnboardingTemplate:
    """Add a template (template_id None) or replace one; the loader's checks decide what may be saved."""
    old = get_template(session, template_id) if template_id is not None else None
    key = _key(old) if old is not None else None
    item, _ = editing.save(session, actor_user_id, editing.ONBOARDING, key, text)
    saved = session.scalar(
        select(OnboardingTemplate).where(
            OnboardingTemplate.role_code == item["role"], OnboardingTemplate.site_type == item["site_type"]
        )
    )
    if saved is None:  # editing.save has just loaded it; this would be a bug, not bad input
        raise NotFound("The saved onboarding template could not be found.")
    if old is not None and old.id != saved.id:
        # A new role or site type was loaded as a row of its own (the loader keys by them): drop the old one.
        session.delete(old)
        session.flush()
    return saved


def delete(session: Session, actor_user_id: int, template_id: int) -> None:
    # The loader never removes a template that is missing from the file (as for courses and roles), so removal
    # is direct. Plans already started keep their own copy of the steps: removing a template touches no plan.
    template = get_template(session, template_id)
    before = export.onboarding_item(template)
    key = _key(template)
    session.delete(template)
    session.flush()
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action="content.delete",
        entity=editing.ONBOARDING.name,
        entity_id=template_id,
        before={"key": key, "item": before},
        after=None,
    )
