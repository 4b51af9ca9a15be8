"""`pathways scim token create --name IDP`, `list` and `revoke IDP`: printed once, stored as a hash."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pathways import migrate
from pathways.auth.service import token_digest
from pathways.cli import app
from pathways.config import get_settings
from pathways.db import Database
from pathways.scim import tokens
from pathways.scim.models import ScimToken
from tests.conftest import BACKENDS
from tests.postgres import Cluster

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"scim_cli_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_create_list_and_revoke(database_url: str) -> None:
    created = runner.invoke(app, ["scim", "token", "create", "--name", "IDP"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("scim_") and len(token) > 40 and "\n" not in token
    database = Database(database_url)
    try:
        with database.transaction() as session:
            stored = session.scalar(select(ScimToken))
            assert stored is not None and stored.name == "IDP"
            assert stored.token_hash == token_digest(token) and token not in stored.token_hash
            assert tokens.token_for(session, token) is not None
        twice = runner.invoke(app, ["scim", "token", "create", "--name", "IDP"])
        assert twice.exit_code == 1 and "already in use" in twice.output
        listed = runner.invoke(app, ["scim", "token", "list"])
        assert listed.exit_code == 0 and "IDP" in listed.stdout and "in use" in listed.stdout
        assert token not in listed.stdout
        revoked = runner.invoke(app, ["scim", "token", "revoke", "IDP"])
        assert revoked.exit_code == 0, revoked.output
        with database.transaction() as session:
            assert tokens.token_for(session, token) is None
        assert "revoked" in runner.invoke(app, ["scim", "token", "list"]).stdout
        again = runner.invoke(app, ["scim", "token", "revoke", "IDP"])
        assert again.exit_code == 1 and "No SCIM token named IDP" in again.output
        empty = runner.invoke(app, ["scim", "token", "create", "--name", "  "])
        assert empty.exit_code == 1 and "name" in empty.output
    finally:
        database.engine.dispose()
