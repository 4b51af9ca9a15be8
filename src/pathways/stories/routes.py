from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.learning.service import InvalidFilter
from pathways.stories import service, submission_routes
from pathways.stories.models import Story
from pathways.stories.schemas import StoryOut
from pathways.web import render

router = APIRouter()
# First, so that /stories/new and /stories/mine are matched before /stories/{slug}.
router.include_router(submission_routes.router)

RoleCode = Annotated[
    str | None, Query(max_length=64, description="A role code: stories that move from or to this role.")
]


@router.get("/stories", include_in_schema=False)
def stories_page(
    request: Request, session: DbSession, user: CurrentUser, role: RoleCode = None
) -> HTMLResponse:
    context: dict[str, Any] = {"roles": service.roles_for_filter(session), "role": role or "", "error": None}
    status_code = 200
    try:
        context["stories"] = service.published_stories(session, role)
    except InvalidFilter as exc:
        context["stories"] = []
        context["error"] = exc.message
        status_code = exc.status_code
    return render(request, "stories/list.html", context, status_code=status_code)


@router.get("/stories/{slug}", include_in_schema=False)
def story_page(request: Request, slug: str, session: DbSession, user: CurrentUser) -> HTMLResponse:
    story = service.get_published_story(session, slug)
    context = {"story": story, "paragraphs": service.paragraphs(story.body)}
    return render(request, "stories/story.html", context)


def _story_out(story: Story) -> StoryOut:
    return StoryOut(
        slug=story.slug,
        title=story.title,
        author=story.author,
        from_role=story.from_role.code,
        to_role=story.to_role.code,
        months=story.months,
        courses=[course.code for course in story.courses],
        tips=list(story.tips),
        body=story.body,
    )


@router.get("/api/v1/stories", response_model=list[StoryOut], tags=["stories"])
def list_stories(session: DbSession, user: CurrentUser, role: RoleCode = None) -> list[StoryOut]:
    return [_story_out(story) for story in service.published_stories(session, role)]


@router.get("/api/v1/stories/{slug}", response_model=StoryOut, tags=["stories"])
def get_story(slug: str, session: DbSession, user: CurrentUser) -> StoryOut:
    return _story_out(service.get_published_story(session, slug))
