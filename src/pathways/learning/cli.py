"""`pathways completions ...`: import the LMS's CSV export, and send due-date reminders."""

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from pathways.config import get_settings
from pathways.csvfile import spreadsheet_safe
from pathways.db import Database
from pathways.errors import AppError
from pathways.learning.import_uploads import audit_import
from pathways.learning.imports import Rejection, run_import
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
    """Import completions: header employee,course,completed_at,score. Importing twice changes nothing."""
    database = Database(get_settings().database_url)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    out = rejects.open("w", newline="", encoding="utf-8") if rejects else None
    on_reject = _rejects_writer(out)

    try:
        with (
            Progress(*columns, console=console, transient=False) as progress,
            file.open("rb") as raw,
            database.transaction() as session,
        ):
            task = progress.add_task("Checking" if dry_run else "Importing", total=file.stat().st_size)
            report = run_import(
                session,
                raw,
                today=dt.date.today(),
                dry_run=dry_run,
                on_progress=lambda _rows: progress.update(task, completed=raw.tell()),
                on_reject=on_reject,
            )
            if not dry_run:
                audit_import(session, None, report, f"cli {file.name}")
            progress.update(task, completed=file.stat().st_size)
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
    typer.echo(report.summary() + ".")


@cli.command("remind")
def remind_command(
    on: Annotated[
        dt.datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="Run as if today were this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Send due-soon (14 days) and overdue reminders to inboxes; run daily. Never sends one twice."""
    database = Database(get_settings().database_url)
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
