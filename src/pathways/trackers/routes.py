"""The tracker's JSON API; the pages are in pages.py and forms.py, included below."""

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.errors import Conflict
from pathways.routing import CSRF, TrackerId
from pathways.trackers import brief, imports, pages, service, views, workbook
from pathways.trackers.access import open_tracker, own_employee
from pathways.trackers.archive import MAX_UPLOAD_BYTES
from pathways.trackers.proposal import GoalDraft, Proposal
from pathways.trackers.proposal import apply as apply_proposal
from pathways.trackers.quarters import parse_quarter
from pathways.trackers.schemas import (
    ImportPreviewOut,
    TrackerCreate,
    TrackerOut,
    TrackerPatch,
    TrackerSummaryOut,
    preview_out,
    summary_out,
    tracker_out,
)
from pathways.uploads import FORM_OVERHEAD_BYTES, multipart_body, read_upload

router = APIRouter()
router.include_router(pages.router)

UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def download(content: bytes, media_type: str, name: str) -> Response:
    name = SAFE_FILENAME.sub("-", name)
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/api/v1/me/trackers", response_model=list[TrackerSummaryOut], tags=["trackers"])
def my_trackers(user: CurrentUser, session: DbSession) -> list[TrackerSummaryOut]:
    employee = own_employee(session, user)
    trackers = service.trackers_of(session, [employee.id])
    return [summary_out(view) for view in views.build_all(session, trackers)]


@router.post(
    "/api/v1/me/trackers",
    response_model=TrackerOut,
    status_code=201,
    tags=["trackers"],
    dependencies=CSRF,
    summary="Start a tracker towards a target role",
)
def start_tracker(body: TrackerCreate, user: CurrentUser, session: DbSession) -> TrackerOut:
    employee = own_employee(session, user)
    tracker, created = service.start_tracker(session, employee, body.role, user)
    if not created:
        raise Conflict(f"You already have a tracker for {tracker.role.name} (id {tracker.id}).")
    return tracker_out(views.build(session, tracker))


@router.get("/api/v1/trackers/{tracker_id}", response_model=TrackerOut, tags=["trackers"])
def get_tracker(tracker_id: TrackerId, user: CurrentUser, session: DbSession) -> TrackerOut:
    access = open_tracker(session, user, tracker_id)
    return tracker_out(views.build(session, access.tracker), access.sees_notes)


def patch_proposal(session: Session, body: TrackerPatch) -> Proposal:
    plan = None
    if body.plan is not None:
        plan = {}
        for item in body.plan:
            plan[service.course_by_code(session, item.course).code] = parse_quarter(item.quarter)
    goals = None
    if body.goals is not None:
        goals = [GoalDraft(g.id, service.clean_goal_text(g.text), g.target_date, g.done) for g in body.goals]
    return Proposal(plan=plan, goals=goals, notes=body.notes)


@router.patch(
    "/api/v1/trackers/{tracker_id}",
    response_model=TrackerOut,
    tags=["trackers"],
    dependencies=CSRF,
    summary="Replace the plan, goals, notes or certifications held",
)
def patch_tracker(
    tracker_id: TrackerId, body: TrackerPatch, user: CurrentUser, session: DbSession
) -> TrackerOut:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    if body.revision is not None and body.revision != tracker.revision:
        raise Conflict(
            f"The tracker is at revision {tracker.revision}, not {body.revision}: it changed since you read "
            "it. Fetch it again and reapply your change."
        )
    proposal = patch_proposal(session, body)
    for goal in proposal.goals or []:
        if goal.id is not None:
            service.goal_by_id(tracker, goal.id)
    apply_proposal(session, tracker, proposal, user, source="api")
    if body.certifications_held is not None:
        service.set_certifications_held(session, tracker, body.certifications_held, user)
    return tracker_out(views.build(session, service.get_tracker(session, tracker_id)))


def tracker_view(session: Session, user: CurrentUser, tracker_id: int) -> views.TrackerView:
    return views.build(session, open_tracker(session, user, tracker_id).tracker)


@router.get(
    "/api/v1/trackers/{tracker_id}/export.xlsx",
    tags=["trackers"],
    response_class=Response,
    responses={200: {"content": {workbook.MIME: {}}}},
    summary="The tracker as an .xlsx workbook to edit and upload back",
)
def export_workbook(tracker_id: TrackerId, user: CurrentUser, session: DbSession) -> Response:
    access = open_tracker(session, user, tracker_id)
    view = views.build(session, access.tracker)
    content = workbook.export_bytes(view, sees_notes=access.sees_notes)
    return download(content, workbook.MIME, workbook.filename(view))


@router.get(
    "/api/v1/trackers/{tracker_id}/brief.pdf",
    tags=["trackers"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
    summary="A one-page brief for a career conversation",
)
def brief_pdf(tracker_id: TrackerId, user: CurrentUser, session: DbSession) -> Response:
    view = tracker_view(session, user, tracker_id)
    return download(brief.brief_pdf(view), "application/pdf", brief.filename(view))


@router.post(
    "/api/v1/trackers/{tracker_id}/import",
    response_model=ImportPreviewOut,
    tags=["trackers"],
    summary="Upload an edited workbook: a preview of the changes, or apply them with apply=true",
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=multipart_body("The edited tracker workbook (.xlsx)"),
)
def import_workbook(
    request: Request,
    tracker_id: TrackerId,
    user: CurrentUser,
    session: DbSession,
    apply: Annotated[bool, Query(description="Apply the changes instead of only previewing them")] = False,
    confirm: Annotated[bool, Query(description="Apply even though the tracker changed since export")] = False,
) -> ImportPreviewOut:
    tracker = open_tracker(session, user, tracker_id).require_owner().tracker
    # Read only now that the owner is known; the CSRF token is checked with the form (pathways.uploads).
    data = read_upload(request, MAX_UPLOAD_BYTES).data
    result = imports.preview(session, data, views.build(session, tracker))
    if apply:
        imports.apply(session, tracker, result.edits, user, confirm)
    return preview_out(result, applied=apply)
