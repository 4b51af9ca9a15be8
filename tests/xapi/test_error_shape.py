"""Every answer under /xapi is xAPI-shaped JSON with the version header: unknown addresses and methods, input
that once raised (a non-string interactionType), and an unexpected error alike. No HTML, ever; and on a real
server the client's next request on the same keep-alive connection is served."""

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from pathways.xapi import queries
from tests.xapi.conftest import Lrs, statement
from tests.xapi.live_server import LiveServer, prepare_database


def assert_xapi_error(response: Any, status: int, version: str = "2.0.0") -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["X-Experience-API-Version"] == version
    body = response.json()
    assert body["error"] is True and body["code"] == status and body["message"]
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize("interaction_type", [{"a": 1}, ["choice"], 7, None, True])
def test_a_non_string_interaction_type_is_a_400_naming_it(lrs: Lrs, interaction_type: Any) -> None:
    for where in ("object", "substatement"):
        s = statement()
        activity = {"objectType": "Activity", "id": "http://lms.example/q1"}
        activity["definition"] = {"interactionType": interaction_type}  # type: ignore[assignment]
        if where == "object":
            s["object"] = activity
        else:
            s["object"] = {"objectType": "SubStatement", **{k: statement()[k] for k in ("actor", "verb")}}
            s["object"]["object"] = activity
        body = assert_xapi_error(lrs.post(s), 400)
        assert "interactionType" in body["message"]


def test_unknown_addresses_and_methods_answer_in_xapi_json(lrs: Lrs) -> None:
    body = assert_xapi_error(lrs.request("GET", "/nowhere"), 404)
    assert "/xapi/nowhere" in body["message"]
    assert_xapi_error(lrs.request("GET", ""), 404)
    wrong = lrs.request("DELETE", "/statements")
    body = assert_xapi_error(wrong, 405)
    assert wrong.headers["Allow"] == "GET, HEAD, POST, PUT"
    assert_xapi_error(lrs.request("PATCH", "/activities/state"), 405)
    lrs.version = "1.0.3"
    assert_xapi_error(lrs.request("GET", "/nowhere"), 404, "1.0.3")
    # Without credentials the answer is the same shape: 401 with the Basic challenge.
    anonymous = lrs.client.get("/xapi/nowhere", headers={"X-Experience-API-Version": "2.0.0"})
    assert_xapi_error(anonymous, 401)
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")


def test_an_unexpected_error_is_a_500_in_xapi_json(lrs: Lrs, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(queries, "run", broken)
    response = lrs.get({"limit": "1"})
    body = assert_xapi_error(response, 500)
    assert "a bug" not in body["message"]  # the cause is logged, not shown
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_an_error_the_site_knows_keeps_its_status_in_xapi_json(
    lrs: Lrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The site answers a number out of range with 422 (app.py): under /xapi the status stays, in xAPI's shape.
    def overflow(*args: Any, **kwargs: Any) -> Any:
        raise OverflowError("too big")

    monkeypatch.setattr(queries, "run", overflow)
    assert_xapi_error(lrs.get({"limit": "1"}), 422)


def test_after_a_failed_request_the_same_connection_serves_the_next(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lrs.db'}"
    issued = prepare_database(url)
    server = LiveServer(url)
    server.start()
    bad = statement()
    bad["object"]["definition"] = {"interactionType": {"not": "a string"}}
    try:
        headers = {"X-Experience-API-Version": "2.0.0"}
        # One connection only: a reset would fail the second request instead of opening a new connection.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        transport = httpx.HTTPTransport(retries=0, limits=limits)
        with httpx.Client(
            base_url=server.base_url, auth=(issued.key, issued.secret), headers=headers, transport=transport
        ) as http:
            refused = http.post("/xapi/statements", json=bad)
            assert_xapi_error(refused, 400)
            missing = http.get("/xapi/statements", params={"statementId": str(uuid.uuid4())})
            assert_xapi_error(missing, 404)
            assert http.get("/xapi/nowhere").status_code == 404
            good = statement()
            assert http.post("/xapi/statements", json=good).json() == [good["id"]]
    finally:
        server.stop()
