"""CSV imports uploaded in the browser or through the API: who may, the size limit, the stored upload.

The upload is kept in completion_imports between the preview and the apply, so the web tier stays stateless
(any worker can apply what another previewed); its content is dropped once applied. The preview and the
apply themselves are jobs that own their transactions: import_jobs.py.
"""

from typing import IO

from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_import_completions, ensure
from pathways.errors import NotFound, TooLarge
from pathways.learning.imports import MAX_UPLOAD_BYTES, ImportReport
from pathways.learning.models import CompletionImport

ADMINS_ONLY = "Only administrators can import completions."
__all__ = ["TooLarge", "audit_import", "check_size", "ensure_importer", "get_upload", "read_limited"]


def ensure_importer(user: User) -> None:
    ensure(can_import_completions(user), ADMINS_ONLY)


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


def get_upload(session: Session, user: User, import_id: int) -> CompletionImport:
    ensure_importer(user)
    stored = session.get(CompletionImport, import_id)
    if stored is None:
        raise NotFound(f"No completion import with id {import_id}.")
    return stored
