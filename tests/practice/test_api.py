"""/api/v1/practice over HTTP: shapes, bad input, and who may see what."""

from typing import Any

from starlette.testclient import TestClient

from pathways.practice.cases import kind_for
from tests.helpers import page_csrf, sign_in


def signed_in(client: TestClient, who: str) -> dict[str, str]:
    client.cookies.clear()
    sign_in(client, who)
    return {"X-CSRF-Token": page_csrf(client, "/")}


def start(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/practice/attempts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_anonymous_calls_are_refused(client: TestClient) -> None:
    for path in (
        "/api/v1/practice/case-types",
        "/api/v1/practice/attempts",
        "/api/v1/practice/sets",
        "/api/v1/practice/attempts/1/replay",
    ):
        assert client.get(path).status_code == 401


def test_case_types(client: TestClient) -> None:
    signed_in(client, "psr_alice")
    body = client.get("/api/v1/practice/case-types").json()
    assert len(body) == 14
    eligibility = next(t for t in body if t["code"] == "eligibility")
    assert eligibility["competencies"] == ["insurance-verification", "decision-quality"]
    assert eligibility["actions"] == ["answer", "check"]


def test_work_a_case_end_to_end(client: TestClient) -> None:
    headers = signed_in(client, "psr_alice")
    attempt = start(client, headers, case_type="eligibility", seed=12)
    assert attempt["status"] == "open" and attempt["case"]["answer"] is None
    assert "hidden" not in attempt["case"]
    assert client.get(f"/api/v1/practice/attempts/{attempt['id']}/score").status_code == 409
    kind = kind_for("eligibility")
    for name, payload in kind.model_answer(kind.generate(12)):
        event = client.post(
            f"/api/v1/practice/attempts/{attempt['id']}/actions",
            json={"kind": name, "payload": payload},
            headers=headers,
        )
        assert event.status_code == 201, event.text
        if name == "check":
            assert event.json()["response"]["x12_271"].startswith("ISA*00*")
    scored = client.post(f"/api/v1/practice/attempts/{attempt['id']}/finish", headers=headers)
    assert scored.status_code == 200
    assert scored.json() | {"elapsed_seconds": 0} == {
        "attempt_id": attempt["id"],
        "score": 100,
        "passed": True,
        "critical": 0,
        "major": 0,
        "minor": 0,
        "elapsed_seconds": 0,
        "findings": [],
    }
    done = client.get(f"/api/v1/practice/attempts/{attempt['id']}").json()
    assert done["case"]["answer"]["decision"] == kind.generate(12).answer["decision"]
    assert done["case"]["seed"] == 12  # free practice: the seed is the learner's to know
    replay = client.get(f"/api/v1/practice/attempts/{attempt['id']}/replay").json()
    assert [s["kind"] for s in replay["steps"]] == ["check", "answer"]
    assert (
        client.post(f"/api/v1/practice/attempts/{attempt['id']}/finish", headers=headers).status_code == 409
    )
    mine = client.get("/api/v1/practice/attempts").json()
    assert attempt["id"] in [a["id"] for a in mine]


def test_bad_input_gets_a_clear_message(client: TestClient) -> None:
    headers = signed_in(client, "psr_alice")
    unknown = client.post("/api/v1/practice/attempts", json={"case_type": "juggling"}, headers=headers)
    assert unknown.status_code == 404 and "No case type 'juggling'" in unknown.json()["detail"]
    negative = client.post(
        "/api/v1/practice/attempts", json={"case_type": "booking", "seed": -1}, headers=headers
    )
    assert negative.status_code == 422 and "seed" in negative.json()["detail"]
    attempt = start(client, headers, case_type="booking", seed=1)
    url = f"/api/v1/practice/attempts/{attempt['id']}/actions"
    wrong_kind = client.post(url, json={"kind": "dance", "payload": {}}, headers=headers)
    assert wrong_kind.status_code == 400 and "has no action 'dance'" in wrong_kind.json()["detail"]
    bad_time = client.post(
        url,
        json={
            "kind": "book",
            "payload": {"provider": "P1", "day": "2026-11-23", "start": "25:00", "visit_type": "established"},
        },
        headers=headers,
    )
    assert bad_time.status_code == 400 and "HH:MM" in bad_time.json()["detail"]
    assert client.get("/api/v1/practice/attempts/999999").status_code == 404
    no_csrf = client.post(url, json={"kind": "book", "payload": {}})
    assert no_csrf.status_code == 403


def test_a_psr_sees_only_their_own_attempts(client: TestClient) -> None:
    headers = signed_in(client, "psr_alice")
    attempt = start(client, headers, case_type="privacy", seed=3)
    path = f"/api/v1/practice/attempts/{attempt['id']}"
    for outsider in ("outsider_dan", "lead_bea", "sup_carl"):
        other = signed_in(client, outsider)
        assert client.get(path).status_code == 403, outsider
        assert client.get(f"{path}/replay").status_code == 403
        refused = client.post(
            f"{path}/actions", json={"kind": "respond", "payload": {"decision": "refuse"}}, headers=other
        )
        assert refused.status_code == 403
    signed_in(client, "admin_ada")
    assert client.get(path).status_code == 200


def test_trainers_see_their_cohort_only(client: TestClient) -> None:
    headers = signed_in(client, "psr_alice")
    alice_number = client.get(
        "/api/v1/practice/attempts/" + str(start(client, headers, case_type="privacy", seed=4)["id"])
    ).json()["employee_number"]
    free = start(client, headers, case_type="privacy", seed=5)
    tina = signed_in(client, "trainer_tina")
    # Before Alice is in one of Tina's sets, Tina cannot see her practice.
    assert client.get(f"/api/v1/practice/attempts/{free['id']}").status_code == 403
    created = client.post(
        "/api/v1/practice/sets",
        json={
            "name": "Cohort A",
            "case_types": ["privacy", "abn"],
            "cases_per_type": 2,
            "level": 2,
            "members": [alice_number],
        },
        headers=tina,
    )
    assert created.status_code == 201, created.text
    practice_set = created.json()
    assert practice_set | {"id": 0, "created_at": None} == {
        "id": 0,
        "name": "Cohort A",
        "case_types": ["privacy", "abn"],
        "cases_per_type": 2,
        "level": 2,
        "members": 1,
        "created_at": None,
    }
    assert client.get(f"/api/v1/practice/attempts/{free['id']}").status_code == 200
    assert client.get(f"/api/v1/practice/attempts/{free['id']}/replay").status_code == 200
    # ...but never work it for her.
    acting = client.post(
        f"/api/v1/practice/attempts/{free['id']}/actions",
        json={"kind": "respond", "payload": {"decision": "refuse"}},
        headers=tina,
    )
    assert acting.status_code == 403
    results = client.get(f"/api/v1/practice/sets/{practice_set['id']}/results").json()
    assert [(r["case_type"], r["index"]) for r in results["by_case"]] == [
        ("privacy", 0),
        ("privacy", 1),
        ("abn", 0),
        ("abn", 1),
    ]
    assert results["by_learner"][0]["employee_number"] == alice_number
    assert results["by_error"] == []
    assert [s["id"] for s in client.get("/api/v1/practice/sets").json()] == [practice_set["id"]]
    # Alice sees the set assigned to her, and can start its cases; Dan cannot see it at all.
    alice = signed_in(client, "psr_alice")
    assert [s["id"] for s in client.get("/api/v1/practice/sets").json()] == [practice_set["id"]]
    in_set = start(client, alice, case_type="abn", set_id=practice_set["id"], index=1)
    assert in_set["set_id"] == practice_set["id"] and in_set["case_index"] == 1
    dan = signed_in(client, "outsider_dan")
    assert client.get(f"/api/v1/practice/sets/{practice_set['id']}").status_code == 403
    assert client.get(f"/api/v1/practice/sets/{practice_set['id']}/results").status_code == 403
    assert (
        client.post(
            "/api/v1/practice/attempts", json={"case_type": "abn", "set_id": practice_set["id"]}, headers=dan
        ).status_code
        == 403
    )


def test_sets_are_for_trainers_and_their_scope(client: TestClient) -> None:
    body = {
        "name": "x",
        "case_types": ["privacy"],
        "cases_per_type": 1,
        "level": 1,
        "members": ["X"],
    }
    headers = signed_in(client, "psr_alice")
    assert client.post("/api/v1/practice/sets", json=body, headers=headers).status_code == 403
    headers = signed_in(client, "trainer_tina")
    unknown = client.post("/api/v1/practice/sets", json=body, headers=headers)
    assert unknown.status_code == 400 and "X" in unknown.json()["detail"]
    bad = client.post(
        "/api/v1/practice/sets", json=body | {"case_types": ["juggling"], "level": 9}, headers=headers
    )
    assert bad.status_code == 422
    assert "unknown case type: juggling" in bad.json()["detail"] and "level" in bad.json()["detail"]
    assert client.get("/api/v1/practice/sets/999999/results").status_code == 404
