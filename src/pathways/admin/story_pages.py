"""Story moderation for administrators: the queue, and approve or reject with a reason."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pathways.auth.dependencies import AdminUser
from pathways.deps import DbSession
from pathways.routing import CSRF
from pathways.stories import submissions
from pathways.web import render

router = APIRouter()
DONE = {
    "approve": "Story approved: it is on the role pages now.",
    "reject": "Story rejected; the author is told why.",
}


@router.get("/admin/stories", include_in_schema=False)
def stories_page(
    request: Request, session: DbSession, user: AdminUser, done: str | None = None
) -> HTMLResponse:
    every = submissions.submissions(session, user)
    context = {
        "waiting": [s for s in every if s.story.status == submissions.SUBMITTED],
        "decided": [s for s in every if s.story.status != submissions.SUBMITTED][:50],
        "done": DONE.get(done or ""),
    }
    return render(request, "admin/stories.html", context)


@router.post("/admin/stories/{slug}/decision", include_in_schema=False, dependencies=CSRF)
def decide(
    slug: str,
    session: DbSession,
    user: AdminUser,
    decision: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    submissions.moderate(session, user, slug, decision, reason)
    return RedirectResponse(f"/admin/stories?done={decision}", status_code=303)
