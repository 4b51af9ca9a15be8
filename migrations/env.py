from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext
from sqlalchemy import String, Text
from sqlalchemy.engine import Connection

from pathways.config import get_settings
from pathways.db import make_engine
from pathways.models import Base
from pathways.search.models import FTS_NAMES

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def compare_type(
    context: MigrationContext, inspected_column: Any, metadata_column: Any, inspected: Any, metadata: Any
) -> bool | None:
    # SQLite does not enforce VARCHAR lengths, so a migration may leave one as it was there (copying a table
    # that people's records point at, to change it, is refused). Any other difference: Alembic decides.
    strings = [t for t in (inspected, metadata) if isinstance(t, String) and not isinstance(t, Text)]
    if context.dialect.name == "sqlite" and len(strings) == 2:
        return False
    return None


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # The full-text index is made by hand in its migration (an FTS5 table and its shadow tables on SQLite, an
    # expression GIN index on PostgreSQL): autogenerate cannot model either, so it leaves them out.
    return not (name or "").startswith(FTS_NAMES)


def run(connection: Connection) -> None:
    # render_as_batch: SQLite can only alter a table by copying it; batch mode does that for us.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=compare_type,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


# Callers that already hold a connection (the CLI, the tests) pass it in; otherwise use the settings.
connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(config.attributes.get("url") or get_settings().database_url)
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
