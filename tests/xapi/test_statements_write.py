"""Statement resource, storing: PUT, POST, atomic batches, LRS-set properties, conflicts, errors."""

import uuid

import pytest

from pathways.xapi import http as xapi_http
from pathways.xapi import statements as xapi_statements
from tests.xapi.conftest import Lrs, agent, statement


def test_post_one_statement_returns_its_id_and_stores_it(lrs: Lrs) -> None:
    s = statement()
    response = lrs.post(s)
    assert response.status_code == 200
    assert response.json() == [s["id"]]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    stored = lrs.get({"statementId": s["id"]}).json()
    assert stored["actor"] == s["actor"] and stored["verb"] == s["verb"] and stored["object"] == s["object"]


def test_post_array_keeps_order_and_generates_missing_ids(lrs: Lrs) -> None:
    first, second = statement(), statement()
    del second["id"]
    ids = lrs.post([first, second]).json()
    assert ids[0] == first["id"]
    uuid.UUID(ids[1])
    assert lrs.get({"statementId": ids[1]}).status_code == 200


def test_lrs_sets_stored_authority_timestamp_and_version(lrs: Lrs) -> None:
    s = statement(authority={"objectType": "Agent", "mbox": "mailto:impostor@lms.example"})
    lrs.post(s)
    stored = lrs.get({"statementId": s["id"]}).json()
    assert stored["authority"]["account"]["name"] == lrs.key  # the credentials' agent, not the one sent
    assert stored["stored"].endswith("Z")
    assert stored["timestamp"] == stored["stored"]
    assert stored["version"] == "2.0.0"


def test_given_timestamp_and_version_are_kept(lrs: Lrs) -> None:
    s = statement(timestamp="2026-01-02T03:04:05.678+01:00", version="1.0.3")
    lrs.post(s)
    stored = lrs.get({"statementId": s["id"]}).json()
    assert stored["timestamp"] == "2026-01-02T03:04:05.678+01:00"
    assert stored["version"] == "1.0.3"


def test_put_stores_under_the_parameter_id(lrs: Lrs) -> None:
    s = statement()
    statement_id = s.pop("id")
    assert lrs.put(statement_id, s).status_code == 204
    assert lrs.get({"statementId": statement_id}).json()["id"] == statement_id


def test_put_needs_a_valid_statement_id(lrs: Lrs) -> None:
    s = statement()
    response = lrs.request("PUT", "/statements", json_body=s)
    assert response.status_code == 400 and "statementId" in response.json()["message"]
    assert lrs.put("not-a-uuid", s).status_code == 400
    assert lrs.put(str(uuid.uuid4()), s).status_code == 400  # the body's id differs from the parameter


def test_same_id_same_content_is_accepted_different_content_conflicts(lrs: Lrs) -> None:
    s = statement()
    assert lrs.put(s["id"], s).status_code == 204
    assert lrs.put(s["id"], s).status_code == 204
    assert lrs.post(s).json() == [s["id"]]
    changed = {**s, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}}
    assert lrs.put(s["id"], changed).status_code == 409
    assert lrs.post(changed).status_code == 409
    assert lrs.get({"statementId": s["id"]}).json()["verb"] == s["verb"]


def test_one_invalid_statement_rejects_the_whole_batch(lrs: Lrs) -> None:
    good, bad = statement(), statement()
    bad["actor"] = {"mbox": "learner@lms.example"}
    response = lrs.post([good, bad])
    assert response.status_code == 400
    assert "statements[1].actor.mbox" in response.json()["message"]
    assert lrs.get({"statementId": good["id"]}).status_code == 404


def test_a_batch_with_a_repeated_id_is_rejected(lrs: Lrs) -> None:
    s = statement()
    assert lrs.post([s, dict(s)]).status_code == 400
    assert lrs.get({"statementId": s["id"]}).status_code == 404


def test_conflict_in_a_batch_stores_nothing_of_it(lrs: Lrs) -> None:
    s = statement()
    lrs.post(s)
    fresh = statement()
    changed = {**s, "object": {"id": "http://lms.example/other"}}
    assert lrs.post([fresh, changed]).status_code == 409
    assert lrs.get({"statementId": fresh["id"]}).status_code == 404


def test_a_statement_stored_by_a_concurrent_request_is_a_409_and_nothing_of_the_batch_stays(
    lrs: Lrs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the look-up cannot see: another request commits the same id between this one's check and its
    insert (COPY on PostgreSQL). The unique index refuses it; the client gets 409 and may retry."""
    s = statement()
    lrs.post(s)
    lookup = xapi_statements._lookup

    def blind(session: object, ids: list[str], referenced: list[str], asked: object) -> object:
        return lookup(session, [], [], asked)  # type: ignore[arg-type]

    monkeypatch.setattr(xapi_statements, "_lookup", blind)
    fresh = statement()
    response = lrs.post([fresh, s])
    assert response.status_code == 409
    assert "retry" in response.json()["message"]
    monkeypatch.undo()
    assert lrs.get({"statementId": fresh["id"]}).status_code == 404
    assert lrs.get({"statementId": s["id"]}).status_code == 200


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ("actor=x", "application/x-www-form-urlencoded"),
    ],
)
def test_bad_bodies_are_400(lrs: Lrs, content: str, content_type: str) -> None:
    response = lrs.request("POST", "/statements", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json()["message"]


def test_unknown_parameters_on_post_are_400(lrs: Lrs) -> None:
    assert lrs.post(statement(), params={"colour": "blue"}).status_code == 400


def test_too_large_a_body_is_413(lrs: Lrs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xapi_http, "MAX_BODY_BYTES", 200)
    response = lrs.post([statement() for _ in range(5)])
    assert response.status_code == 413


def test_statement_from_a_1_0_3_client_gets_version_1_0_0(lrs: Lrs) -> None:
    lrs.version = "1.0.3"
    s = statement()
    response = lrs.post(s)
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert lrs.get({"statementId": s["id"]}).json()["version"] == "1.0.0"


def test_group_actor_is_stored(lrs: Lrs) -> None:
    s = statement()
    s["actor"] = {"objectType": "Group", "name": "Cohort", "member": [agent("a"), agent("b")]}
    assert lrs.post(s).status_code == 200
