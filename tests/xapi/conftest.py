"""An LRS client with its own credentials, speaking xAPI 2.0.0 unless a test says otherwise."""

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.xapi import credentials

VERSION = "2.0.0"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class Lrs:
    """Requests to /xapi with Basic credentials and the version header set."""

    def __init__(self, client: TestClient, key: str, secret: str, version: str = VERSION) -> None:
        self.client = client
        self.key = key
        self.secret = secret
        self.version = version

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {
            "Authorization": basic(self.key, self.secret),
            "X-Experience-API-Version": self.version,
            **(extra or {}),
        }

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        extra = dict(headers or {})
        if json_body is not None:
            content = json.dumps(json_body)
            extra.setdefault("Content-Type", "application/json")
        return self.client.request(
            method, f"/xapi{path}", params=params, content=content, headers=self.headers(extra)
        )

    def post(self, body: Any, **kw: Any) -> Any:
        return self.request("POST", "/statements", json_body=body, **kw)

    def put(self, statement_id: str, body: Any, **kw: Any) -> Any:
        return self.request("PUT", "/statements", params={"statementId": statement_id}, json_body=body, **kw)

    def get(self, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.request("GET", "/statements", params=params, **kw)


def agent(name: str = "learner") -> dict[str, Any]:
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{name}@lms.example"}


def statement(
    verb: str = EXPERIENCED,
    activity: str = "http://lms.example/activities/intro",
    who: str = "learner",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": agent(who),
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        **extra,
    }


@pytest.fixture
def lrs_credentials(session: Session) -> credentials.IssuedCredentials:
    issued = credentials.create_client(session, "Test LMS")
    session.commit()  # a savepoint release: the test's outer transaction still rolls it back
    return issued


@pytest.fixture
def lrs(client: TestClient, lrs_credentials: credentials.IssuedCredentials) -> Iterator[Lrs]:
    yield Lrs(client, lrs_credentials.key, lrs_credentials.secret)
