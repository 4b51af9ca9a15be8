"""Alembic, driven from code: the CLI and the tests migrate the same way."""

from alembic import command
from alembic.config import Config

from pathways.config import PACKAGE_DIR

MIGRATIONS_DIR = PACKAGE_DIR.parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = url
    config.attributes["skip_logging"] = True
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
