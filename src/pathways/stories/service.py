import re

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from pathways.careers.models import Role
from pathways.errors import NotFound, shown
from pathways.learning.service import InvalidFilter
from pathways.stories.models import Story

PUBLISHED = "published"
_BLANK_LINE = re.compile(r"\n\s*\n")


def _story_query() -> Select[Story]:
    return select(Story).options(
        selectinload(Story.from_role), selectinload(Story.to_role), selectinload(Story.courses)
    )


def roles_for_filter(session: Session) -> list[Role]:
    return list(session.scalars(select(Role).order_by(Role.position, Role.name)))


def _about(role_id: int) -> ColumnElement[bool]:
    return or_(Story.from_role_id == role_id, Story.to_role_id == role_id)


def published_stories(session: Session, role_code: str | None = None) -> list[Story]:
    query = _story_query().where(Story.status == PUBLISHED)
    role_code = (role_code or "").strip() or None
    if role_code is not None:
        role_id = session.scalar(select(Role.id).where(Role.code == role_code))
        if role_id is None:
            raise InvalidFilter(
                f"No role with code '{role_code}'. Choose one from the list, or clear the filter."
            )
        query = query.where(_about(role_id))
    return list(session.scalars(query.order_by(Story.title)))


def stories_about(session: Session, role: Role) -> list[Story]:
    """The published stories of a move into or out of a role, with both roles (a role page lists them)."""
    statement = (
        select(Story)
        .where(Story.status == PUBLISHED, _about(role.id))
        .options(joinedload(Story.from_role), joinedload(Story.to_role))
        .order_by(Story.title)
    )
    return list(session.scalars(statement))


def get_published_story(session: Session, slug: str) -> Story:
    story = session.scalar(_story_query().where(Story.slug == slug, Story.status == PUBLISHED))
    if story is None:
        raise NotFound(f"No story with slug {shown(slug)}.")
    return story


def paragraphs(body: str) -> list[str]:
    # Literal YAML blocks separate paragraphs with a blank line; folded ones leave a single newline.
    body = body.strip()
    if _BLANK_LINE.search(body):
        return [" ".join(part.split()) for part in _BLANK_LINE.split(body) if part.strip()]
    return [line.strip() for line in body.splitlines() if line.strip()]
