"""`pathways tracker`: a tracker's workbook out and back in from the command line."""

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Protocol

import typer
from sqlalchemy.orm import Session

from pathways.config import get_settings
from pathways.db import Database
from pathways.errors import AppError
from pathways.plans.service import employee_by_email
from pathways.trackers import imports, org_export, service, views, workbook
from pathways.trackers.workbook_import import WorkbookRejected

cli = typer.Typer(help="Career path trackers: workbooks out and back in.", no_args_is_help=True)


class Transactional(Protocol):
    def transaction(self) -> AbstractContextManager[Session]: ...


def database() -> Transactional:
    return Database(get_settings().database_url)


def fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


Email = Annotated[str, typer.Option("--employee", help="The employee's email.")]
RoleCode = Annotated[str, typer.Option("--role", help="The target role's code, e.g. psr-2-site-lead.")]


@cli.command("export")
def export_command(
    employee: Email,
    role: RoleCode,
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
) -> None:
    """Write the employee's tracker for the role as an .xlsx workbook."""
    try:
        with database().transaction() as session:
            tracker = service.tracker_for(session, employee_by_email(session, employee), role)
            content = workbook.export_bytes(views.build(session, tracker))
    except AppError as exc:
        fail(exc.message)
    output.write_bytes(content)
    typer.echo(f"Wrote {output} (tracker {tracker.id}, revision {tracker.revision}).")


@cli.command("import")
def import_command(
    employee: Email,
    role: RoleCode,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the changes; apply nothing.")] = False,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Apply although the tracker changed since.")
    ] = False,
) -> None:
    """Show what an edited workbook changes, then apply it (unless --dry-run)."""
    try:
        with database().transaction() as session:
            tracker = service.tracker_for(session, employee_by_email(session, employee), role)
            result = imports.preview(session, file.read_bytes(), views.build(session, tracker))
            for line in report(result):
                typer.echo(line)
            if not dry_run and result.changes:
                imports.apply(session, tracker, result.edits, None, confirm)
    except WorkbookRejected as exc:
        for problem in exc.problems:
            typer.echo(f"Error: {problem}", err=True)
        raise typer.Exit(code=1) from None
    except AppError as exc:
        fail(exc.message)
    if dry_run:
        typer.echo("Dry run: nothing was changed.")
    elif result.changes:
        typer.echo(f"Applied {len(result.changes)} change(s).")


def report(result: imports.ImportPreview) -> Iterator[str]:
    if result.stale:
        yield (
            f"The tracker changed since the export (revision {result.edits.exported_revision}, now "
            f"{result.current_revision}):"
        )
        for since in result.changed_since_export:
            yield f"  revision {since.revision}: {since.summary} ({since.actor_name})"
    for change in result.changes:
        yield f"- {change.text}"
    if not result.changes:
        yield "No changes to the plan, goals or notes."
    for warning in result.edits.warnings:
        yield f"Warning: {warning}"


@cli.command("export-all")
def export_all_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
) -> None:
    """Every tracker in the organisation in one workbook, written as a stream (for HR reporting)."""
    with database().transaction() as session:
        count = org_export.export_all(session, output)
    typer.echo(f"Wrote {count} trackers to {output}.")
