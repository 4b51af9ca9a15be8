"""`pathways badges ...`: rotate the signing key, and award what people have earned."""

import typer
from sqlalchemy import select

from pathways.badges import keys, service
from pathways.config import get_settings
from pathways.db import Database
from pathways.org.models import Employee

cli = typer.Typer(help="Open Badges: the signing key, and awarding.", no_args_is_help=True)
key_cli = typer.Typer(help="The organisation's badge signing key.", no_args_is_help=True)
cli.add_typer(key_cli, name="key")


def _database() -> Database:
    return Database(get_settings().database_url)


@key_cli.command("rotate")
def rotate() -> None:
    """Make a new signing key. Earlier keys stay published (by kid), so badges they signed still verify."""
    with _database().transaction() as session:
        row = keys.make_key(session, get_settings().secret_key)
        count = len(keys.jwks(session)["keys"])
    typer.echo(f"New signing key {row.kid}; {count} published in the issuer's JWKS.")


@cli.command("award")
def award() -> None:
    """Issue every badge people have earned and do not hold yet (what happened before badges existed, or
    what a bulk import recorded). Running it again issues nothing new."""
    how = service.issuing(get_settings())
    with _database().transaction() as session:
        ids = set(session.scalars(select(Employee.id)))
        issued = len(service.award_many(session, how, ids))
    typer.echo(f"Issued {issued} {'badge' if issued == 1 else 'badges'} to {len(ids)} people checked.")
