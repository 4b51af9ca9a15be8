"""Every database test runs on SQLite and on a throwaway PostgreSQL cluster.

The database is built once per backend with `alembic upgrade head`, then the shipped content and the demo
organisation are loaded. Each test runs inside a transaction that is rolled back, so tests never see each
other's writes; the app's own commits become savepoint releases inside it.
"""

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways import migrate
from pathways.app import create_app
from pathways.config import Settings
from pathways.content.loader import load_content
from pathways.db import Database
from pathways.demo.small import load_demo
from pathways.deps import get_session
from tests.postgres import Cluster, start_cluster

# PATHWAYS_TEST_BACKENDS=sqlite narrows a local run; `make test` and CI always run both.
BACKENDS = os.environ.get("PATHWAYS_TEST_BACKENDS", "sqlite,postgresql").split(",")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    yield cluster
    cluster.stop()


def build_database(url: str) -> Database:
    migrate.upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        load_content(session, Settings().content_dir)
        load_demo(session)
    return database


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database("pathways_test")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'pathways.db'}"
    database = build_database(url)
    yield database
    database.engine.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    connection = database.engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def settings(database: Database) -> Settings:
    return Settings(database_url=database.url, environment="test", secret_key="test-secret-key")


def serve_in_test_transaction(app: FastAPI, session: Session) -> None:
    """Each request gets a session of its own, as in the app, inside the test's transaction.

    A session shared with the test answered from the test's identity map (no query, or a stale row), and how
    much of it garbage collection had swept decided a page's query count. The request's session joins the
    test's transaction through a savepoint, so the test still rolls everything back. What the test added is
    flushed first so the request sees it; what the test holds is expired after, so its next read sees what the
    request wrote.
    """
    connection = session.connection()

    def request_session() -> Iterator[Session]:
        session.flush()
        own = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield own
            own.commit()
        except BaseException:
            own.rollback()
            raise
        finally:
            own.close()
            session.expire_all()

    app.dependency_overrides[get_session] = request_session


@pytest.fixture
def client(session: Session, settings: Settings, database: Database) -> Iterator[TestClient]:
    app = create_app(settings, database=database)
    serve_in_test_transaction(app, session)
    with TestClient(app) as test_client:
        yield test_client
