from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.scim import tokens


@pytest.fixture
def scim(client: TestClient, session: Session) -> Iterator[TestClient]:
    """The test client, holding a SCIM token as an identity system would."""
    token = tokens.create_token(session, "IDP")
    session.flush()
    client.headers["Authorization"] = f"Bearer {token}"
    yield client
