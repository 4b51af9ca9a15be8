"""`pathways demo` gives psr_alice badges; `pathways badges key rotate` keeps earlier badges verifiable;
`pathways badges award` is idempotent. Against a database of the CLI's own, on each backend."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pathways.badges import keys
from pathways.badges.models import Badge, BadgeKey
from pathways.cli import app
from pathways.config import get_settings
from pathways.db import Database
from pathways.org.models import Employee
from tests.conftest import BACKENDS
from tests.postgres import Cluster

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def cli_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"badges_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_demo_badges_rotation_and_award(cli_url: str) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    database = Database(cli_url)
    with database.transaction() as session:
        alice = session.scalar(select(Employee.id).where(Employee.email == "psr_alice@pathways.example"))
        alice_tokens = list(session.scalars(select(Badge.credential_jwt).where(Badge.employee_id == alice)))
        total = session.scalar(select(func.count()).select_from(Badge))
    assert alice_tokens, "the demo gives psr_alice some badges"

    rotated = runner.invoke(app, ["badges", "key", "rotate"])
    assert rotated.exit_code == 0 and "2 published" in rotated.stdout
    again = runner.invoke(app, ["badges", "award"])
    assert again.exit_code == 0 and again.stdout.startswith("Issued 0 badges")

    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Badge)) == total
        assert session.scalar(select(func.count()).where(BadgeKey.retired_at.is_(None))) == 1
        published = jwt.PyJWKSet.from_dict(keys.jwks(session))
    for token in alice_tokens:
        key = published[jwt.get_unverified_header(token)["kid"]]
        assert jwt.decode(token, key.key, algorithms=["ES256"])["type"][-1] == "OpenBadgeCredential"
    database.engine.dispose()
