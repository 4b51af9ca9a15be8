"""`pathways scim token create|list|revoke`: bearer tokens for the identity systems that provision people."""

from typing import Annotated

import typer

from pathways.config import get_settings
from pathways.db import Database
from pathways.errors import AppError
from pathways.scim import tokens

cli = typer.Typer(
    help="SCIM 2.0 provisioning (/scim/v2).", no_args_is_help=True, pretty_exceptions_enable=False
)
token_cli = typer.Typer(help="Bearer tokens for identity systems.", no_args_is_help=True)
cli.add_typer(token_cli, name="token")


def _database() -> Database:
    return Database(get_settings().database_url)


def _fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code=1)


@token_cli.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="The identity system that will hold it, like IDP.")],
) -> None:
    """Make a token; it is printed once, alone on standard output, and only its hash is kept."""
    try:
        with _database().transaction() as session:
            token = tokens.create_token(session, name)
    except AppError as exc:
        _fail(exc.message)
    typer.echo(token)
    typer.echo(
        f"Give it to {name.strip()} as its bearer token for /scim/v2; it is not shown again.", err=True
    )


@token_cli.command("list")
def list_command() -> None:
    """Every token: its name, when it was made, and whether it was revoked (never the token itself)."""
    with _database().transaction() as session:
        for token in tokens.list_tokens(session):
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "in use"
            typer.echo(f"{token.name}\tcreated {token.created_at:%Y-%m-%d %H:%M}\t{state}")


@token_cli.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke the token with this name: the identity system holding it is refused from now on."""
    try:
        with _database().transaction() as session:
            count = tokens.revoke_token(session, name)
    except AppError as exc:
        _fail(exc.message)
    typer.echo(f"Revoked {count} SCIM token{'s' if count > 1 else ''} named {name.strip()}.", err=True)
