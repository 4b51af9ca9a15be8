"""HR imports that own their transactions, for the command line, the upload page and the API.

The file is read and checked in a transaction that only reads (on SQLite: without the write lock), then the
plan is applied in batches of JOB_BATCH people, each committed on its own, so that sign-ins and form posts
keep working during a long import. An apply cut off part way keeps the batches it committed; importing the
same file again finishes it (the plan is made again against Pathways as it then is, so nothing is done
twice). Unlike a service, these functions commit.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import IO

from sqlalchemy import update
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.auth.permissions import ensure_admin
from pathways.db import begin_reading
from pathways.errors import Conflict, NotFound, TooLarge
from pathways.learning.assignments import plain_text
from pathways.org.models import PeopleImport
from pathways.org.people import Org, Plan
from pathways.org.people_import import (
    MAX_UPLOAD_BYTES,
    PeopleReport,
    apply_plan,
    audit_import,
    load_org,
    read_file,
    report_of,
)

JOB_BATCH = 2000
ADMINS_ONLY = "Only administrators can import people."


def ensure_importer(user: User) -> None:
    ensure_admin(user, ADMINS_ONLY)


def check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"The file is {size / 1_048_576:.1f} MB; an upload takes files up to "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB. Import it on the server with "
            "`pathways people import FILE`, "
            "which takes any size. Nothing was imported."
        )


@dataclass
class _Planned:
    plan: Plan
    org: Org
    report: PeopleReport


def _plan(
    session: Session, stream: IO[bytes], today: dt.date, *, dry_run: bool, deactivate_missing: bool
) -> _Planned:
    begin_reading(session)
    org = load_org(session)
    plan = read_file(stream, org, today)
    report = report_of(plan, org, dry_run=dry_run, deactivate_missing=deactivate_missing)
    session.commit()  # end the read: the apply's batches are transactions of their own
    return _Planned(plan, org, report)


def dry_run(session: Session, stream: IO[bytes], *, today: dt.date, deactivate_missing: bool) -> PeopleReport:
    return _plan(session, stream, today, dry_run=True, deactivate_missing=deactivate_missing).report


def apply_stream(
    session: Session,
    stream: IO[bytes],
    *,
    today: dt.date,
    deactivate_missing: bool,
    actor_user_id: int | None,
    audit_source: str,
    batch_size: int = JOB_BATCH,
) -> PeopleReport:
    """Check, then apply batch by batch. The last transaction (the audit entry) is left for the caller to
    commit, as a request does at its end."""
    planned = _plan(session, stream, today, dry_run=False, deactivate_missing=deactivate_missing)
    apply_plan(
        session, planned.plan, planned.org, today=today, deactivate_missing=deactivate_missing,
        batch_size=batch_size, between_batches=session.commit,
    )  # fmt: skip
    audit_import(session, actor_user_id, planned.report, audit_source)
    session.flush()
    return planned.report


# ---------------------------------------------------------------- the browser: preview, then apply
def preview_upload(
    session: Session, user: User, filename: str, data: bytes, today: dt.date
) -> tuple[PeopleImport, PeopleReport]:
    """Dry-run the file and keep it for the apply; a file-level error raises before anything is kept."""
    ensure_importer(user)
    check_size(len(data))
    report = dry_run(session, io.BytesIO(data), today=today, deactivate_missing=False)
    stored = PeopleImport(
        uploaded_by_user_id=user.id,
        filename=(plain_text(filename) or "people.csv")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        content=data,
        summary=report.as_dict(),
    )
    session.add(stored)
    session.flush()
    return stored, report


def get_upload(session: Session, user: User, import_id: int) -> PeopleImport:
    ensure_importer(user)
    stored = session.get(PeopleImport, import_id)
    if stored is None:
        raise NotFound(f"No people import with id {import_id}.")
    return stored


def apply_upload(
    session: Session, user: User, import_id: int, today: dt.date, *, deactivate_missing: bool
) -> tuple[PeopleImport, PeopleReport]:
    """Apply a previewed file, checked again against Pathways as it is now; claimed first, so it runs once."""
    stored = get_upload(session, user, import_id)
    if stored.applied_at is not None or stored.content is None:
        raise Conflict("This import was already applied; upload the file again to import it again.")
    claimed = session.execute(
        update(PeopleImport)
        .where(PeopleImport.id == stored.id, PeopleImport.started_at.is_(None))
        .values(started_at=dt.datetime.now(dt.UTC))
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise Conflict("This import is already being applied; wait for it to finish.")
    session.commit()
    try:
        report = apply_stream(
            session, io.BytesIO(stored.content), today=today, deactivate_missing=deactivate_missing,
            actor_user_id=user.id, audit_source=f"upload {stored.filename} ({stored.sha256[:12]})",
        )  # fmt: skip
    except BaseException:
        # What the committed batches did stays; the upload may be applied again to finish.
        session.rollback()
        session.execute(update(PeopleImport).where(PeopleImport.id == stored.id).values(started_at=None))
        session.commit()
        raise
    stored.applied_at = dt.datetime.now(dt.UTC)
    stored.deactivate_missing = deactivate_missing
    stored.summary = report.as_dict()
    stored.content = None
    session.flush()
    return stored, report


# ---------------------------------------------------------------- the API: one request, dry run or apply
def import_upload(
    session: Session, user: User, filename: str, data: bytes, today: dt.date, *, dry: bool,
    deactivate_missing: bool,
) -> PeopleReport:  # fmt: skip
    ensure_importer(user)
    check_size(len(data))
    if dry:
        return dry_run(session, io.BytesIO(data), today=today, deactivate_missing=deactivate_missing)
    return apply_stream(
        session, io.BytesIO(data), today=today, deactivate_missing=deactivate_missing, actor_user_id=user.id,
        audit_source=f"api {plain_text(filename) or 'upload'}",
    )  # fmt: skip
