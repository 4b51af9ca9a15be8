"""Uploading an edited workbook: a preview of the differences first, then applying them.

If the tracker changed since the workbook was exported, the preview lists those changes and applying needs
an explicit confirmation: a workbook never silently overwrites what was done on the page meanwhile.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.errors import BadRequest, Conflict
from pathways.trackers import proposal as proposals
from pathways.trackers.models import CareerTracker, TrackerChange
from pathways.trackers.proposal import Change, GoalDraft, Proposal
from pathways.trackers.views import TrackerView
from pathways.trackers.workbook_import import WorkbookEdits, read_workbook

TOKEN_MAX_AGE_S = 3600


@dataclass
class ImportPreview:
    edits: WorkbookEdits
    changes: list[Change]
    current_revision: int
    changed_since_export: list[TrackerChange]

    @property
    def stale(self) -> bool:
        return self.current_revision != self.edits.exported_revision


def preview(session: Session, data: bytes, view: TrackerView) -> ImportPreview:
    edits = read_workbook(session, data, view)
    return describe(view.tracker, edits)


def describe(tracker: CareerTracker, edits: WorkbookEdits) -> ImportPreview:
    since = [c for c in tracker.changes if c.revision > edits.exported_revision]
    return ImportPreview(edits, proposals.diff(tracker, edits.proposal), tracker.revision, since)


def apply(
    session: Session, tracker: CareerTracker, edits: WorkbookEdits, user: User | None, confirm: bool
) -> list[Change]:
    result = describe(tracker, edits)
    if result.stale and not confirm:
        lines = "; ".join(c.summary for c in result.changed_since_export) or "changes were made"
        raise Conflict(
            f"The tracker changed since this workbook was exported (revision {edits.exported_revision}, now "
            f"{tracker.revision}): {lines}. Review the preview and confirm to apply the workbook anyway."
        )
    return proposals.apply(session, tracker, edits.proposal, user, source="workbook")


def serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="pathways.tracker-import")


def sign(secret_key: str, tracker: CareerTracker, edits: WorkbookEdits) -> str:
    """The previewed edits, signed, so the apply step needs no server-side state and no second upload."""
    plan = edits.proposal.plan or {}
    goals = [
        [g.id, g.text, g.target_date.isoformat() if g.target_date else None, g.done]
        for g in edits.proposal.goals or []
    ]
    payload = {
        "tracker": tracker.id,
        "previewed_at_revision": tracker.revision,
        "exported_revision": edits.exported_revision,
        "exported_at": edits.exported_at,
        "plan": plan,
        "goals": goals,
        "notes": edits.proposal.notes,
        "warnings": edits.warnings,
    }
    return serializer(secret_key).dumps(payload)


def unsign(secret_key: str, tracker: CareerTracker, token: str) -> WorkbookEdits:
    expired = "This preview has expired or was altered. Upload the workbook again."
    try:
        payload: dict[str, Any] = serializer(secret_key).loads(token, max_age=TOKEN_MAX_AGE_S)
    except BadSignature:
        raise BadRequest(expired) from None
    if payload.get("tracker") != tracker.id:
        raise BadRequest(expired)
    if payload["previewed_at_revision"] != tracker.revision:
        raise Conflict("The tracker changed while you were reviewing the preview. Upload the workbook again.")
    goals = [
        GoalDraft(gid, text, dt.date.fromisoformat(day) if day else None, bool(done))
        for gid, text, day, done in payload["goals"]
    ]
    return WorkbookEdits(
        Proposal(plan=dict(payload["plan"]), goals=goals, notes=payload["notes"]),
        int(payload["exported_revision"]),
        str(payload["exported_at"]),
        list(payload["warnings"]),
    )
