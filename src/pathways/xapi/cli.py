"""`pathways lrs`: credentials for the machine clients of the Learning Record Store."""

import typer

from pathways.config import get_settings
from pathways.db import Database
from pathways.errors import AppError
from pathways.xapi import credentials

cli = typer.Typer(help="The Learning Record Store at /xapi.", no_args_is_help=True)
credentials_cli = typer.Typer(help="Basic credentials for LMSs and other xAPI clients.", no_args_is_help=True)
cli.add_typer(credentials_cli, name="credentials")


def _database() -> Database:
    return Database(get_settings().database_url)


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


SCOPE_HELP = "What the credentials may do; repeat for several. Default: all. " + "; ".join(
    f"{name}: {meaning}" for name, meaning in credentials.SCOPES.items()
)


@credentials_cli.command("create")
def create(
    name: str = typer.Option(..., "--name", help="Who the credentials are for, e.g. the LMS."),
    scope: list[str] = typer.Option([], "--scope", help=SCOPE_HELP),
) -> None:
    """Issue a key and secret; the secret is shown only now."""
    try:
        with _database().transaction() as session:
            issued = credentials.create_client(session, name, scope)
    except AppError as exc:
        _fail(exc.message)
        return
    typer.echo(f"key: {issued.key}")
    typer.echo(f"secret: {issued.secret}")
    typer.echo(f"scopes: {' '.join(sorted(issued.scopes))}")
    typer.echo("Store the secret now: only its hash is kept. Clients send both with HTTP Basic.", err=True)


@credentials_cli.command("list")
def list_command() -> None:
    """Every client, with its key and whether it is revoked."""
    with _database().transaction() as session:
        clients = credentials.list_clients(session)
        lines = [
            f"{c.key}  {'revoked' if c.revoked_at else 'active ':7}  {c.name}  [{c.scopes}]" for c in clients
        ]
    typer.echo("\n".join(lines) if lines else "No LRS clients yet.")


@credentials_cli.command("revoke")
def revoke(key: str) -> None:
    """Revoke a client's credentials at once; its statements stay."""
    try:
        with _database().transaction() as session:
            client = credentials.revoke_client(session, key)
            name = client.name
    except AppError as exc:
        _fail(exc.message)
        return
    typer.echo(f"Revoked {key} ({name}).")
