"""Sending a story in, following it, withdrawing it; and the moderation API. Included by stories/routes.py
before its /stories/{slug} routes, so /stories/new and /stories/mine are not read as slugs."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.routing import CSRF
from pathways.stories import service, submissions
from pathways.stories.submission_models import StorySubmission
from pathways.stories.submission_schemas import ModerateIn, StorySubmissionOut, StorySubmitIn
from pathways.web import render

router = APIRouter()
DONE = {"submitted": "Thank you: your story is waiting for review.", "withdrawn": "Your story is withdrawn."}


def submission_out(submission: StorySubmission) -> StorySubmissionOut:
    story = submission.story
    return StorySubmissionOut(
        slug=story.slug,
        title=story.title,
        author=story.author,
        status=story.status,
        from_role=story.from_role.code,
        to_role=story.to_role.code,
        months=story.months,
        courses=[c.code for c in story.courses],
        tips=list(story.tips),
        body=story.body,
        submitted_at=submission.submitted_at,
        decided_at=submission.decided_at,
        reason=submission.reason,
        withdrawn_at=submission.withdrawn_at,
    )


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.replace(";", ",").split(",") if code.strip()]


@router.get("/stories/new", include_in_schema=False)
def new_story_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    context: dict[str, Any] = {"roles": service.roles_for_filter(session), "values": {}, "error": None}
    return render(request, "stories/new.html", context)


@router.post("/stories/new", include_in_schema=False, dependencies=CSRF)
def new_story_form(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    title: Annotated[str, Form(max_length=200)] = "",
    from_role: Annotated[str, Form(max_length=64)] = "",
    to_role: Annotated[str, Form(max_length=64)] = "",
    months: Annotated[str, Form(max_length=4)] = "",
    courses: Annotated[str, Form(max_length=400)] = "",
    tips: Annotated[str, Form(max_length=5000)] = "",
    body: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    values: dict[str, Any] = {
        "title": title,
        "from_role": from_role,
        "to_role": to_role,
        "months": months,
        "courses": courses,
        "tips": tips,
        "body": body,
    }
    try:
        if not months.isdigit():
            raise AppError("months: say how many months the move took, as a whole number.", 422)
        draft = submissions.Draft(
            title, from_role, to_role, int(months), _codes(courses), tips.splitlines(), body
        )
        submissions.submit(session, user, draft)
    except AppError as exc:  # every check runs before anything is written, so there is nothing to undo
        context: dict[str, Any] = {
            "roles": service.roles_for_filter(session),
            "values": values,
            "error": exc.message,
        }
        return render(request, "stories/new.html", context, status_code=exc.status_code)
    return RedirectResponse("/stories/mine?done=submitted", status_code=303)


@router.get("/stories/mine", include_in_schema=False)
def my_stories_page(
    request: Request, session: DbSession, user: CurrentUser, done: str | None = None
) -> HTMLResponse:
    mine = [s for s in submissions.submissions(session, user) if s.author_user_id == user.id]
    return render(request, "stories/mine.html", {"submissions": mine, "done": DONE.get(done or "")})


@router.post("/stories/mine/{slug}/withdraw", include_in_schema=False, dependencies=CSRF)
def withdraw_form(slug: str, session: DbSession, user: CurrentUser) -> Response:
    submissions.withdraw(session, user, slug)
    return RedirectResponse("/stories/mine?done=withdrawn", status_code=303)


@router.post(
    "/api/v1/stories", response_model=StorySubmissionOut, status_code=201, tags=["stories"], dependencies=CSRF
)
def submit_api(body: StorySubmitIn, session: DbSession, user: CurrentUser) -> StorySubmissionOut:
    """Send in a story; it is published on the role pages once an admin approves it."""
    draft = submissions.Draft(
        body.title, body.from_role, body.to_role, body.months, body.courses, body.tips, body.body
    )
    story, _submission = submissions.submit(session, user, draft)
    return submission_out(submissions.get_submission(session, story.slug))


@router.get("/api/v1/story-submissions", response_model=list[StorySubmissionOut], tags=["stories"])
def list_submissions(
    session: DbSession, user: CurrentUser, status: Annotated[str | None, Query(max_length=16)] = None
) -> list[StorySubmissionOut]:
    """Your own submissions; an admin sees everyone's (filter with status=submitted for the queue)."""
    return [submission_out(s) for s in submissions.submissions(session, user, status)]


@router.post(
    "/api/v1/stories/{slug}/withdraw", response_model=StorySubmissionOut, tags=["stories"], dependencies=CSRF
)
def withdraw_api(slug: str, session: DbSession, user: CurrentUser) -> StorySubmissionOut:
    """The author withdraws their story (waiting or published): it leaves the role pages."""
    return submission_out(submissions.withdraw(session, user, slug))


@router.post(
    "/api/v1/stories/{slug}/moderate", response_model=StorySubmissionOut, tags=["stories"], dependencies=CSRF
)
def moderate_api(slug: str, body: ModerateIn, session: DbSession, user: CurrentUser) -> StorySubmissionOut:
    """Approve (publish) or reject a submitted story, with a reason the author receives (admins)."""
    return submission_out(submissions.moderate(session, user, slug, body.decision, body.reason))
