"""Stories sent in by employees: submitted, then published or rejected by an admin; the author may withdraw.

A submission is checked with the same model as content/stories.yaml (content.schemas.StoryItem), so a story
written in the browser meets the same rules as a shipped one.
"""

import datetime as dt
import re
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.audit import service as audit
from pathways.auth.models import AccountRole, User
from pathways.auth.permissions import ensure_admin, is_admin
from pathways.careers.models import Role
from pathways.content.schemas import StoryItem
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound, shown
from pathways.inbox import service as inbox
from pathways.learning.models import Course
from pathways.search import service as search
from pathways.stories.models import Story
from pathways.stories.submission_models import StorySubmission

SUBMITTED, PUBLISHED, REJECTED, WITHDRAWN = "submitted", "published", "rejected", "withdrawn"
STATUSES = (SUBMITTED, PUBLISHED, REJECTED, WITHDRAWN)
DECISIONS = ("approve", "reject")
ADMINS_ONLY = "Only administrators moderate stories."


@dataclass(frozen=True)
class Draft:
    title: str
    from_role: str
    to_role: str
    months: int
    courses: list[str]
    tips: list[str]
    body: str


def author_name(user: User) -> str:
    # Stories carry a first name and an initial, as the shipped ones do.
    parts = user.name.split()
    if len(parts) < 2:
        return user.name
    return f"{parts[0]} {parts[-1][0]}."


def slug_for(session: Session, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:100].strip("-") or "story"
    taken = set(session.scalars(select(Story.slug).where(Story.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _validated(draft: Draft, slug: str, author: str) -> StoryItem:
    try:
        item = StoryItem.model_validate(
            {
                "slug": slug,
                "title": draft.title,
                "author": author,
                "from_role": draft.from_role,
                "to_role": draft.to_role,
                "months": draft.months,
                "courses": draft.courses,
                "tips": [t for t in (tip.strip() for tip in draft.tips) if t],
                "body": draft.body,
            }
        )
    except ValidationError as exc:
        # Not errors.describe_errors: it drops a location named "body", which here is a field of the story.
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise BadRequest("; ".join(problems)) from exc
    if item.from_role == item.to_role:
        raise BadRequest("A story moves between two different roles.")
    if len(item.body) > 10_000 or len(item.tips) > 10:
        raise BadRequest("Keep the story under 10,000 characters and at most 10 tips.")
    return item


def submit(session: Session, user: User, draft: Draft) -> tuple[Story, StorySubmission]:
    item = _validated(draft, slug_for(session, draft.title or "story"), author_name(user))
    roles = {
        r.code: r for r in session.scalars(select(Role).where(Role.code.in_([item.from_role, item.to_role])))
    }
    for code in (item.from_role, item.to_role):
        if code not in roles:
            raise BadRequest(f"No role with code {shown(code)}.")
    courses = list(session.scalars(select(Course).where(Course.code.in_(item.courses))))
    missing = sorted(set(item.courses) - {c.code for c in courses})
    if missing:
        raise BadRequest(f"No course with code {shown(missing[0])}.")
    story = Story(
        slug=item.slug,
        title=item.title,
        author=item.author,
        from_role_id=roles[item.from_role].id,
        to_role_id=roles[item.to_role].id,
        months=item.months,
        tips=item.tips,
        body=item.body,
        status=SUBMITTED,
        courses=courses,
    )
    session.add(story)
    session.flush()
    submission = StorySubmission(story_id=story.id, author_user_id=user.id, reason="")
    session.add(submission)
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="story.submit",
        entity="stories",
        entity_id=story.id,
        after={"slug": story.slug, "title": story.title, "status": SUBMITTED},
    )
    for admin_id in session.scalars(select(User.id).where(User.account_role == AccountRole.ADMIN.value)):
        inbox.notify_user(
            session, admin_id, "story", f"A story waits for review: {story.title}", "/admin/stories"
        )
    return story, submission


def get_submission(session: Session, slug: str) -> StorySubmission:
    found = session.scalar(
        select(StorySubmission)
        .join(Story, Story.id == StorySubmission.story_id)
        .where(Story.slug == slug)
        .options(
            selectinload(StorySubmission.story).selectinload(Story.courses),
            selectinload(StorySubmission.story).selectinload(Story.from_role),
            selectinload(StorySubmission.story).selectinload(Story.to_role),
        )
    )
    if found is None:
        raise NotFound(f"No submitted story with slug {shown(slug)}.")
    return found


def withdraw(session: Session, user: User, slug: str) -> StorySubmission:
    submission = get_submission(session, slug)
    if submission.author_user_id != user.id:
        raise Forbidden("Only the author can withdraw their story.")
    story = submission.story
    if story.status not in (SUBMITTED, PUBLISHED):
        raise Conflict(f"This story is already {story.status}.")
    before = {"status": story.status}
    story.status = WITHDRAWN
    search.rebuild_index(session)  # a withdrawn story leaves the search with the role pages
    submission.withdrawn_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="story.withdraw",
        entity="stories",
        entity_id=story.id,
        before=before,
        after={"status": WITHDRAWN},
    )
    return submission


def moderate(session: Session, user: User, slug: str, decision: str, reason: str) -> StorySubmission:
    ensure_admin(user, ADMINS_ONLY)
    if decision not in DECISIONS:
        raise BadRequest(f"Unknown decision {shown(decision)}. Choose approve or reject.")
    submission = get_submission(session, slug)
    story = submission.story
    if story.status != SUBMITTED:
        raise Conflict(f"This story is {story.status}, not waiting for review.")
    reason = " ".join((reason or "").split())
    if decision == "reject" and not reason:
        raise BadRequest("Give the author a reason when you reject their story.")
    if len(reason) > 1000:
        raise BadRequest("The reason can be at most 1000 characters.")
    story.status = PUBLISHED if decision == "approve" else REJECTED
    search.rebuild_index(session)  # a published story is found by the search box from now on
    submission.decided_at, submission.decided_by_user_id, submission.reason = (
        dt.datetime.now(dt.UTC),
        user.id,
        reason,
    )
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action=f"story.{decision}",
        entity="stories",
        entity_id=story.id,
        before={"status": SUBMITTED},
        after={"status": story.status, "reason": reason},
    )
    if submission.author_user_id is not None:
        message = (
            f"Your story “{story.title}” is published on the role pages."
            if decision == "approve"
            else f"Your story “{story.title}” was not published: {reason}"
        )
        link = f"/stories/{story.slug}" if decision == "approve" else "/stories/mine"
        inbox.notify_user(session, submission.author_user_id, "story", message, link)
    return submission


def submissions(session: Session, user: User, status: str | None = None) -> list[StorySubmission]:
    """An admin sees every submission (optionally by status); anyone else their own."""
    if status is not None and status not in STATUSES:
        raise BadRequest(f"Unknown status {shown(status)}. Choose one of: {', '.join(STATUSES)}.")
    query = (
        select(StorySubmission)
        .join(Story, Story.id == StorySubmission.story_id)
        .options(
            selectinload(StorySubmission.story).selectinload(Story.courses),
            selectinload(StorySubmission.story).selectinload(Story.from_role),
            selectinload(StorySubmission.story).selectinload(Story.to_role),
        )
        .order_by(StorySubmission.submitted_at.desc(), StorySubmission.id.desc())
    )
    if not is_admin(user):
        query = query.where(StorySubmission.author_user_id == user.id)
    if status is not None:
        query = query.where(Story.status == status)
    return list(session.scalars(query))
