"""Voiding and StatementRefs: what queries and single reads return afterwards."""

import json
import uuid
from typing import Any

from tests.xapi.conftest import COMPLETED, VOIDED, Lrs, agent, statement


def voiding(target_id: str) -> dict[str, Any]:
    return statement(VOIDED, who="admin", object={"objectType": "StatementRef", "id": target_id})


def test_a_voided_statement_is_only_read_by_voided_statement_id(lrs: Lrs) -> None:
    target = statement(who="hal")
    lrs.post(target)
    void = voiding(target["id"])
    assert lrs.post(void).status_code == 200
    assert lrs.get({"statementId": target["id"]}).status_code == 404
    got = lrs.get({"voidedStatementId": target["id"]})
    assert got.status_code == 200 and got.json()["id"] == target["id"]
    assert lrs.get({"voidedStatementId": void["id"]}).status_code == 404  # the voiding one is not voided
    listed = [s["id"] for s in lrs.get({"agent": json.dumps(agent("hal"))}).json()["statements"]]
    assert target["id"] not in listed
    assert void["id"] in listed  # it targets a statement that matches the filter


def test_a_voiding_statement_cannot_be_voided(lrs: Lrs) -> None:
    target = statement()
    void = voiding(target["id"])
    lrs.post([target, void])
    response = lrs.post(voiding(void["id"]))
    assert response.status_code == 400
    assert "cannot be voided" in response.json()["message"]
    assert lrs.get({"statementId": void["id"]}).status_code == 200


def test_a_voiding_statement_in_the_same_batch_cannot_be_voided_and_nothing_is_stored(lrs: Lrs) -> None:
    target = statement()
    void = voiding(target["id"])
    response = lrs.post([target, void, voiding(void["id"])])
    assert response.status_code == 400
    assert "cannot be voided" in response.json()["message"]
    assert lrs.get({"statementId": target["id"]}).status_code == 404
    assert lrs.get({"voidedStatementId": target["id"]}).status_code == 404


def test_voiding_before_the_target_arrives_voids_it_on_arrival(lrs: Lrs) -> None:
    target = statement()
    lrs.post(voiding(target["id"]))
    lrs.post(target)
    assert lrs.get({"statementId": target["id"]}).status_code == 404
    assert lrs.get({"voidedStatementId": target["id"]}).status_code == 200


def test_statement_refs_match_filters_through_their_target(lrs: Lrs) -> None:
    course = f"http://lms.example/courses/{uuid.uuid4()}"
    target = statement(COMPLETED, course)
    comment = statement(
        "http://example.com/verbs/commented", object={"objectType": "StatementRef", "id": target["id"]}
    )
    reply = statement(
        "http://example.com/verbs/replied", object={"objectType": "StatementRef", "id": comment["id"]}
    )
    lrs.post([target, comment, reply])
    found = {s["id"] for s in lrs.get({"activity": course}).json()["statements"]}
    assert found == {target["id"], comment["id"], reply["id"]}
