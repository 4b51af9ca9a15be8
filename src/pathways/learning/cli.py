"""`pathways completions ...`: import the LMS's CSV export, and send due-date reminders."""

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from pathways.badges import service as badges
from pathways.config import get_settings
from pathways.csvfile import spreadsheet_safe
from pathways.db import JOB_LOCK_WAIT_S, Database
from pathways.errors import AppError
from pathways.learning import import_jobs
from pathways.learning.imports import Rejection
from pathways.learning.reminders import remind_once

cli = typer.Typer(
    help="Course completions: import the LMS export, send due-date reminders.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
SHOWN_REJECTIONS = 20


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


def _rejects_writer(out: TextIO | None) -> Callable[[Rejection], None]:
    if out is None:
        return lambda _rejection: None
    writer = csv.writer(out)
    writer.writerow(["row", "reason"])
    # The reasons echo cell values from the file: escaped so a spreadsheet never runs them as formulas.
    return lambda rejection: writer.writerow([rejection.row, spreadsheet_safe(rejection.reason)])


@cli.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report, but record nothing.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Write every rejected row (row,reason) to this CSV.")
    ] = None,
) -> None:
    """Import completions: header employee,course,completed_at,score. Importing twice changes nothing.

    The file is checked as a whole first, then recorded in batches of a few thousand rows, each committed on
    its own so that the site keeps working meanwhile. If the import is stopped, run it again: it finishes,
    and says what the earlier run had recorded."""
    # The import waits its turn for the lock behind requests rather than give up: they are short.
    settings = get_settings()
    database = Database(settings.database_url, lock_wait_s=JOB_LOCK_WAIT_S)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    out = rejects.open("w", newline="", encoding="utf-8") if rejects else None
    on_reject = _rejects_writer(out)
    earlier = None
    try:
        with Progress(*columns, console=console, transient=False) as progress, file.open("rb") as raw:
            size = file.stat().st_size
            task = progress.add_task("Checking" if dry_run else "Importing", total=size)
            today = dt.date.today()

            def on_progress(_rows: int) -> None:
                progress.update(task, completed=raw.tell())

            if dry_run:
                with database.session() as session:
                    report = import_jobs.dry_run(
                        session, raw, today=today, on_progress=on_progress, on_reject=on_reject
                    )
            else:
                digest = hashlib.file_digest(raw, "sha256").hexdigest()
                raw.seek(0)
                with database.writer_session() as session:
                    run = import_jobs.unfinished_run(session, digest)
                    run = run or import_jobs.new_run("cli", file.name, None, digest, size)
                    outcome = import_jobs.apply_stream(
                        session, raw, run, today=today, actor_user_id=None, audit_source=f"cli {file.name}",
                        awards=badges.issuing(settings), on_progress=on_progress, on_reject=on_reject,
                    )  # fmt: skip
                    session.commit()
                report, earlier = outcome.report, outcome.earlier
            progress.update(task, completed=size)
    except AppError as exc:
        _fail(exc.message)
        return
    finally:
        if out is not None:
            out.close()
        database.engine.dispose()
    for rejection in report.rejections[:SHOWN_REJECTIONS]:
        typer.echo(f"  row {rejection.row}: {rejection.reason}")
    if report.rejected > SHOWN_REJECTIONS:
        more = f" (all in {rejects})" if rejects else " (use --rejects FILE to list them all)"
        typer.echo(f"  ... and {report.rejected - SHOWN_REJECTIONS} more rejected rows{more}")
    if earlier is not None:
        typer.echo(earlier.note())
    typer.echo(report.summary() + ".")


@cli.command("remind")
def remind_command(
    on: Annotated[
        dt.datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="Run as if today were this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Send due-soon (14 days) and overdue reminders to inboxes; run daily. Never sends one twice."""
    # Like an import, the sender commits batch by batch and waits its turn behind requests.
    database = Database(get_settings().database_url, lock_wait_s=JOB_LOCK_WAIT_S)
    try:
        counts = remind_once(database, on.date() if on else dt.date.today())
    except AppError as exc:
        _fail(exc.message)
        return
    finally:
        database.engine.dispose()
    typer.echo(
        counts.summary() if counts else "Another server is sending reminders right now; nothing to do."
    )
