"""CSV imports uploaded in the browser or through the API: size limit, preview, then apply.

The upload is kept in completion_imports between the preview and the apply, so the web tier stays stateless
(any worker can apply what another previewed); its content is dropped once applied.
"""

import datetime as dt
import hashlib
import io
from typing import IO

from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import ensure, is_admin
from pathways.errors import AppError, Conflict, NotFound
from pathways.learning.assignments import plain_text
from pathways.learning.imports import MAX_UPLOAD_BYTES, ImportReport, run_import
from pathways.learning.models import CompletionImport

ADMINS_ONLY = "Only administrators can import completions."


class TooLarge(AppError):
    status_code = 413


def ensure_importer(user: User) -> None:
    ensure(is_admin(user), ADMINS_ONLY)


def check_size(size: int | None) -> None:
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"The file is {size / 1_048_576:.1f} MB; the browser import takes files up to "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB. Split it, or import it on the server with "
            "`pathways completions import FILE`, which takes any size. Nothing was imported."
        )


def read_limited(stream: IO[bytes]) -> bytes:
    # Read one byte past the limit: enough to know it is too large without reading all of a huge upload.
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    check_size(len(data))
    return data


def audit_import(session: Session, actor_user_id: int | None, report: ImportReport, source: str) -> None:
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action="completions.import",
        entity="completions",
        entity_id=None,
        after={"source": source, **report.as_dict()},
    )


def preview_upload(
    session: Session, user: User, filename: str, data: bytes, today: dt.date
) -> tuple[CompletionImport, ImportReport]:
    """Dry-run the file and keep it for the apply; a file-level error raises before anything is kept."""
    ensure_importer(user)
    report = run_import(session, io.BytesIO(data), today=today, dry_run=True)
    stored = CompletionImport(
        uploaded_by_user_id=user.id,
        filename=(plain_text(filename) or "upload.csv")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        content=data,
        summary=report.as_dict(),
    )
    session.add(stored)
    session.flush()
    return stored, report


def get_upload(session: Session, user: User, import_id: int) -> CompletionImport:
    ensure_importer(user)
    stored = session.get(CompletionImport, import_id)
    if stored is None:
        raise NotFound(f"No completion import with id {import_id}.")
    return stored


def apply_upload(session: Session, user: User, import_id: int, today: dt.date) -> ImportReport:
    """Apply a previewed file; the rows are checked again, against the database as it is now."""
    stored = get_upload(session, user, import_id)
    if stored.applied_at is not None or stored.content is None:
        raise Conflict(f"This import was already applied on {stored.applied_at:%-d %b %Y %H:%M}.")
    report = run_import(session, io.BytesIO(stored.content), today=today, dry_run=False)
    stored.applied_at = dt.datetime.now(dt.UTC)
    stored.summary = report.as_dict()
    stored.content = None
    audit_import(session, user.id, report, f"upload {stored.filename} ({stored.sha256[:12]})")
    session.flush()
    return report
