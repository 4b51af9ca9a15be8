"""Databases of the mail tests' own: the sender commits, and two senders must see each other's commits, which
the shared database's rolled-back test transaction cannot show."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pathways import migrate
from pathways.auth import service as auth_service
from pathways.auth.schemas import NewUser
from pathways.config import Settings
from pathways.db import Database
from tests.conftest import BACKENDS
from tests.mail.smtp import SmtpServer
from tests.postgres import Cluster


@pytest.fixture(params=BACKENDS)
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database(f"mail_{uuid.uuid4().hex[:10]}")
    else:
        url = f"sqlite:///{tmp_path / 'mail.db'}"
    migrate.upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        for who in ("psr_pat", "sup_sue"):
            name = who.replace("_", " ").title()
            auth_service.add_user(
                session,
                NewUser(
                    email=f"{who}@pathways.example",
                    name=name,
                    account_role="employee",
                    password="pathways-demo",
                ),
            )
    yield database
    database.engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def mail_settings(database: Database, smtp_url: str = "", mail_dir: Path | None = None) -> Settings:
    return Settings(
        database_url=database.url,
        environment="test",
        secret_key="test-secret-key",
        smtp_url=smtp_url,
        mail_dir=mail_dir or Path("var/mail-unused"),
        base_url="https://pathways.hospital.example",
    )
