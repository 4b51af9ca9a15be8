from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.inbox import service
from pathways.inbox.schemas import InboxOut, NotificationOut
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter()


@router.get("/inbox", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(request: Request, user: CurrentUser, session: DbSession) -> HTMLResponse:
    notes = service.inbox(session, user.id)
    return render(
        request, "inbox/inbox.html", {"notes": notes, "unread": service.unread_count(session, user.id)}
    )


@router.post("/inbox/read", include_in_schema=False, dependencies=CSRF)
def mark_all_read(user: CurrentUser, session: DbSession) -> Response:
    service.mark_read(session, user.id)
    return RedirectResponse("/inbox", status_code=303)


@router.get("/api/v1/me/inbox", response_model=InboxOut, tags=["inbox"])
def inbox_api(user: CurrentUser, session: DbSession) -> InboxOut:
    notes = [NotificationOut.model_validate(n) for n in service.inbox(session, user.id)]
    return InboxOut(unread=service.unread_count(session, user.id), notifications=notes)


@router.post("/api/v1/me/inbox/{notification_id}/read", status_code=204, tags=["inbox"],
             dependencies=CSRF)  # fmt: skip
def mark_one_read(notification_id: int, user: CurrentUser, session: DbSession) -> Response:
    service.mark_read(session, user.id, notification_id)
    return Response(status_code=204)
