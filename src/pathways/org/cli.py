"""`pathways people import FILE`: people, sites and reporting lines from the HR feed."""

import csv
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from pathways.config import get_settings
from pathways.csvfile import spreadsheet_safe
from pathways.db import JOB_LOCK_WAIT_S, Database
from pathways.errors import AppError
from pathways.org import people_jobs

cli = typer.Typer(
    help="People and sites from the HR feed.", no_args_is_help=True, pretty_exceptions_enable=False
)
SHOWN = 20


@cli.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; change nothing.")
    ] = False,
    deactivate_missing: Annotated[
        bool,
        typer.Option("--deactivate-missing", help="A full feed: deactivate active people who are not in it."),
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Write every rejected row (row,reason) to this CSV.")
    ] = None,
) -> None:
    """Import people: header employee_number,email,name,job_role,site,region,manager_number,hired_on,status.

    Keyed by employee number: importing the same file twice changes nothing. The file is checked as a whole
    first, then applied in batches, each committed on its own so that the site keeps working meanwhile."""
    # The import waits its turn for the lock behind requests rather than give up: they are short.
    database = Database(get_settings().database_url, lock_wait_s=JOB_LOCK_WAIT_S)
    try:
        with file.open("rb") as raw, database.writer_session() as session:
            if dry_run:
                report = people_jobs.dry_run(
                    session, raw, today=dt.date.today(), deactivate_missing=deactivate_missing
                )
            else:
                report = people_jobs.apply_stream(
                    session, raw, today=dt.date.today(), deactivate_missing=deactivate_missing,
                    actor_user_id=None, audit_source=f"cli {file.name}",
                )  # fmt: skip
                session.commit()
    except AppError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        database.engine.dispose()
    if rejects is not None:
        with rejects.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "reason"])
            writer.writerows([r.row, spreadsheet_safe(r.reason)] for r in report.rejections)
    for rejection in report.rejections[:SHOWN]:
        typer.echo(f"  row {rejection.row}: {rejection.reason}")
    if report.rejected > SHOWN:
        typer.echo(f"  ... and {report.rejected - SHOWN} more rejected rows")
    for warning in report.warnings[:SHOWN]:
        typer.echo(f"  row {warning.row} (applied, with a warning): {warning.message}")
    if report.warned > SHOWN:
        typer.echo(f"  ... and {report.warned - SHOWN} more rows with a warning")
    for person in report.missing_samples:
        typer.echo(f"  missing from the file: {person.number} {person.name}")
    if report.missing > len(report.missing_samples):
        typer.echo(f"  ... and {report.missing - len(report.missing_samples)} more missing from the file")
    typer.echo(report.summary() + ".")
