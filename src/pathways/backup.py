"""Backups a hospital's IT department can rely on: SQLite's online backup API (safe while the site serves),
and PostgreSQL's own pg_dump custom format, restored with pg_restore."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from pathways.errors import BadRequest


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BadRequest(f"{name} is not installed; it is needed to back up or restore PostgreSQL.")


def _libpq_url(url: str) -> str:
    # pg_dump speaks libpq, which knows "postgresql://" but not SQLAlchemy's "+psycopg" driver suffix.
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BadRequest("An in-memory SQLite database cannot be backed up.")
    return path


def _run(command: list[str]) -> None:
    # No shell, and the arguments are our own tool path, a file path and the configured URL.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BadRequest(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def backup(url: str, target: Path) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)])


def restore(url: str, source: Path) -> None:
    if not source.is_file():
        raise BadRequest(f"There is no backup file at {source}.")
    if url.startswith("sqlite"):
        with open(source, "rb") as handle:
            if not handle.read(16).startswith(b"SQLite format 3"):
                raise BadRequest(f"{source} is not a SQLite backup.")
        with sqlite3.connect(source) as backup_db, sqlite3.connect(_sqlite_path(url)) as live:
            backup_db.backup(live)
        return
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_libpq_url(url)}", str(source)])  # fmt: skip
