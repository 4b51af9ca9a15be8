"""`pathways mail ...`: send what the outbox holds (for cron, where `serve --no-mail`), and look at it."""

import typer

from pathways.config import get_settings
from pathways.db import Database
from pathways.mail import admin
from pathways.mail.sender import send_due

cli = typer.Typer(
    help="Email: the outbox and its sender.", no_args_is_help=True, pretty_exceptions_enable=False
)


@cli.command("send")
def send() -> None:
    """Make the daily digests that are due and send every due message once. Exits 1 when the SMTP server
    could not be reached (the messages stay queued and are tried again later)."""
    settings = get_settings()
    if problem := settings.configuration_problem():
        typer.echo(f"Error: {problem}", err=True)
        raise typer.Exit(code=1)
    database = Database(settings.database_url)
    try:
        report = send_due(database, settings)
        with database.session() as session:
            counts = admin.counts(session)
    finally:
        database.engine.dispose()
    where = "the SMTP server" if settings.smtp_url else f"the folder {settings.mail_dir}"
    typer.echo(f"Mail to {where}: {report.summary()}")
    waiting = counts.get("pending", 0) + counts.get("sending", 0)
    typer.echo(
        f"Outbox: {waiting} waiting, {counts.get('failed', 0)} refused in all, "
        f"{counts.get('held', 0)} held for digests."
    )
    if report.errors and not report.sent:
        raise typer.Exit(code=1)
