"""Completion imports that own their transactions: a long apply commits batch by batch.

One transaction for a 200,000-row file held SQLite's write lock for about 13 s, and every sign-in, form post
and xAPI statement meanwhile failed. Here each batch (JOB_BATCH rows) is a short transaction of its own,
which holds the lock only to look up and insert its rows (about 0.05 s on the demo database): the next batch
is read and checked outside any transaction, and that is when waiting writers take the lock. The whole file
is checked first (imports.check_file), so a problem with the file still changes nothing. An apply cut off
(killed, or the database gone) keeps the batches it committed, and its CompletionImport row says how far it
got; applying the same file again finishes it, counting what the earlier run recorded as already known (a
completion is recorded once per employee, course and date, so nothing is recorded twice).

Unlike a service, these functions commit: routes and the command line call them to do the whole job.
"""

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.badges import service as badges
from pathways.db import begin_reading
from pathways.errors import AppError, Conflict
from pathways.learning.assignments import plain_text
from pathways.learning.import_uploads import audit_import, ensure_importer, get_upload
from pathways.learning.imports import ImportReport, Rejection, check_file, run_import
from pathways.learning.models import CompletionImport

# Rows a transaction records. Reading and checking the next batch (tens of milliseconds) leaves SQLite's lock
# free long enough for a waiting writer, whose busy handler tries again every 100 ms at worst, to take it.
JOB_BATCH = 5000


@dataclass(frozen=True)
class EarlierRun:
    """An apply of the same file that stopped before the end."""

    started_at: dt.datetime
    rows_done: int
    recorded: int

    def note(self) -> str:
        return (
            f"An earlier import of this file, started {self.started_at:%Y-%m-%d %H:%M} UTC, stopped after "
            f"{self.rows_done:,} rows with {self.recorded:,} completions recorded. Those were kept: this run "
            "finished the file and counts them as already known."
        )


@dataclass
class ImportOutcome:
    report: ImportReport
    run: CompletionImport | None  # None for a dry run: it records nothing, not even itself
    earlier: EarlierRun | None = None


class ImportStopped(AppError):
    """The apply stopped part way: what its committed batches recorded stays; running it again finishes."""

    def __init__(self, rows_done: int, recorded: int, cause: BaseException) -> None:
        why = cause.message if isinstance(cause, AppError) else "it was interrupted"
        super().__init__(
            f"The import stopped after row {rows_done:,} ({why}). The {recorded:,} completions recorded "
            "until then were kept. Import the same file again to finish: rows already recorded count as "
            "already known, nothing is recorded twice.",
            cause.status_code if isinstance(cause, AppError) else 500,
        )
        self.headers = cause.headers if isinstance(cause, AppError) else {}
        self.rows_done = rows_done
        self.recorded = recorded


class _Checkpoint:
    """After each batch: note the progress on the run, in the batch's transaction, and commit."""

    def __init__(self, session: Session, run: CompletionImport) -> None:
        self.session = session
        self.run = run
        self.recorded_before = run.recorded
        self.rows_done = 0
        self.recorded = run.recorded

    def __call__(self, report: ImportReport) -> None:
        self.run.rows_done = report.rows
        self.run.recorded = self.recorded_before + report.new
        self.session.commit()
        self.rows_done, self.recorded = report.rows, self.run.recorded


def unfinished_run(session: Session, sha256: str) -> CompletionImport | None:
    """The latest apply of a file with this content that began and never finished, from wherever it ran."""
    return session.scalar(
        select(CompletionImport)
        .where(
            CompletionImport.sha256 == sha256,
            CompletionImport.started_at.is_not(None),
            CompletionImport.applied_at.is_(None),
        )
        .order_by(CompletionImport.id.desc())
        .limit(1)
    )


def apply_stream(
    session: Session,
    stream: IO[bytes],
    run: CompletionImport,
    *,
    today: dt.date,
    actor_user_id: int | None,
    audit_source: str,
    awards: badges.Issuing | None,
    on_progress: Callable[[int], None] | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    batch_size: int = JOB_BATCH,
) -> ImportOutcome:
    """Apply a file batch by batch into `run`. The last transaction (the run's summary, the audit entry) is
    left for the caller to commit, as a request does at its end. With `awards`, the people a batch records
    completions for get the badges they earned, in the batch's transaction (award_many: a fixed number of
    queries a batch)."""
    check_file(stream)
    earlier = None
    if run.started_at is not None and run.applied_at is None:
        earlier = EarlierRun(run.started_at, run.rows_done, run.recorded)
    run.started_at = dt.datetime.now(dt.UTC)
    run.rows_done = 0
    session.add(run)
    session.commit()  # the run is on record before its first batch
    checkpoint = _Checkpoint(session, run)

    def award(employee_ids: set[int]) -> None:
        if awards is not None:
            badges.award_many(session, awards, employee_ids, today)

    try:
        report = run_import(
            session, stream, today=today, dry_run=False, on_progress=on_progress, on_reject=on_reject,
            batch_size=batch_size, between_batches=checkpoint,
            on_recorded=award,
        )  # fmt: skip
    except BaseException as exc:
        session.rollback()
        if checkpoint.rows_done == 0:
            raise
        if isinstance(exc, AppError | KeyboardInterrupt):
            raise ImportStopped(checkpoint.rows_done, checkpoint.recorded, exc) from exc
        exc.add_note(
            f"The import stopped after row {checkpoint.rows_done:,}; the {checkpoint.recorded:,} completions "
            "recorded until then were kept. Import the same file again to finish."
        )
        raise
    run.rows_done = report.rows
    run.recorded = checkpoint.recorded_before + report.new
    run.applied_at = dt.datetime.now(dt.UTC)
    run.summary = report.as_dict()
    run.content = None
    audit_import(session, actor_user_id, report, audit_source)
    session.flush()
    return ImportOutcome(report, run, earlier)


def dry_run(
    session: Session,
    stream: IO[bytes],
    *,
    today: dt.date,
    on_progress: Callable[[int], None] | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
) -> ImportReport:
    """Check a file and count what applying it would do, in a transaction that only reads."""
    begin_reading(session)
    report = run_import(
        session, stream, today=today, dry_run=True, on_progress=on_progress, on_reject=on_reject
    )
    session.commit()  # end the read: whatever the caller writes next begins a transaction of its own
    return report


def new_run(source: str, filename: str, data: bytes | None, sha256: str, size: int) -> CompletionImport:
    return CompletionImport(
        source=source,
        filename=(plain_text(filename) or "upload.csv")[:255],
        sha256=sha256,
        size_bytes=size,
        content=data,
    )


# ---------------------------------------------------------------- the browser: preview, then apply
def preview_upload(
    session: Session, user: User, filename: str, data: bytes, today: dt.date
) -> tuple[CompletionImport, ImportReport]:
    """Dry-run the file and keep it for the apply; a file-level error raises before anything is kept."""
    ensure_importer(user)
    report = dry_run(session, io.BytesIO(data), today=today)
    stored = new_run("upload", filename, data, hashlib.sha256(data).hexdigest(), len(data))
    stored.uploaded_by_user_id = user.id
    stored.summary = report.as_dict()
    session.add(stored)
    session.flush()
    return stored, report


def apply_upload(
    session: Session, user: User, import_id: int, today: dt.date, awards: badges.Issuing
) -> ImportOutcome:
    """Apply a previewed file; the rows are checked again, against the database as it is now."""
    stored = get_upload(session, user, import_id)
    if stored.applied_at is not None:
        raise Conflict(f"This import was already applied on {stored.applied_at:%-d %b %Y %H:%M}.")
    if stored.content is None:
        raise Conflict("This file was imported from the command line or the API; import it there again.")
    source = f"upload {stored.filename} ({stored.sha256[:12]})"
    return apply_stream(
        session, io.BytesIO(stored.content), stored, today=today, actor_user_id=user.id, audit_source=source,
        awards=awards,
    )  # fmt: skip


# ---------------------------------------------------------------- the API: one request, dry run or apply
def import_upload(
    session: Session, user: User, filename: str, data: bytes, today: dt.date, *, dry: bool,
    awards: badges.Issuing,
) -> ImportOutcome:  # fmt: skip
    ensure_importer(user)
    if dry:
        return ImportOutcome(dry_run(session, io.BytesIO(data), today=today), None)
    digest = hashlib.sha256(data).hexdigest()
    run = unfinished_run(session, digest) or new_run("api", filename, None, digest, len(data))
    run.uploaded_by_user_id = user.id
    return apply_stream(
        session, io.BytesIO(data), run, today=today, actor_user_id=user.id,
        audit_source=f"api {filename or 'upload'}", awards=awards,
    )  # fmt: skip
