"""The learning-plan JSON API: shapes, permissions and bad input."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.learning.models import Assignment, Completion
from tests.helpers import page_csrf, sign_in
from tests.learning_plans.conftest import TODAY, person

DUE = (TODAY + dt.timedelta(days=30)).isoformat()


def signed(client: TestClient, who: str) -> dict[str, str]:
    sign_in(client, who)
    return {"X-CSRF-Token": page_csrf(client)}


def test_anonymous_gets_401(client: TestClient) -> None:
    assert client.get("/api/v1/me/learning-plan").status_code == 401
    assert client.get("/api/v1/employees/1/learning-plan").status_code == 401
    assert client.post("/api/v1/assignments", json={}).status_code in (401, 403)
    response = client.patch("/api/v1/assignments/1", json={"action": "cancel"})
    assert response.status_code in (401, 403)


def test_my_learning_plan_shape(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    body = client.get("/api/v1/me/learning-plan").json()
    assert body["employee"]["name"] == "Alice Moreno" and body["role"] == "PSR I"
    assert set(body) == {"employee", "role", "today", "required", "chosen", "counts_toward_both"}
    entry = body["required"]["entries"][0]
    assert set(entry) == {
        "course",
        "title",
        "hours",
        "modality",
        "reasons",
        "sources",
        "status",
        "due_on",
        "overdue",
        "due_soon",
        "completed_on",
        "score",
        "compliance",
        "career",
        "counts_toward_both",
        "assignment_id",
        "awaiting_confirmation",
        "expires_on",
    }
    assert entry["status"] in ("not started", "in progress", "completed", "waived")
    progress = body["required"]["progress"]
    assert progress["total"] == len(body["required"]["entries"]) == 5


def test_admin_has_no_plan_of_their_own(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    response = client.get("/api/v1/me/learning-plan")
    assert response.status_code == 400 and "not linked to an employee record" in response.json()["detail"]


def test_employee_plan_as_permitted(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "lead_bea")
    assert client.get(f"/api/v1/employees/{alice.id}/learning-plan").status_code == 200
    client.cookies.clear()
    sign_in(client, "outsider_dan")
    denied = client.get(f"/api/v1/employees/{alice.id}/learning-plan")
    assert (
        denied.status_code == 403 and denied.json()["detail"] == "You can only see people in your own scope."
    )
    assert client.get("/api/v1/employees/999999/learning-plan").status_code == 404
    assert client.get("/api/v1/employees/abc/learning-plan").status_code == 422


def test_create_assignments(client: TestClient, session: Session) -> None:
    headers = signed(client, "sup_carl")
    body = {
        "course": "PRIV-102",
        "target": {"type": "site", "code": "NV-PSC-01"},
        "due_on": DUE,
        "reason": "Annual refresher",
    }
    response = client.post("/api/v1/assignments", json=body, headers=headers)
    assert response.status_code == 200
    result = response.json()
    assert result["course"] == "PRIV-102" and result["target"].startswith("everyone at")
    assert result["assigned"] and result["already_assigned"] == []
    again = client.post("/api/v1/assignments", json=body, headers=headers).json()
    assert again["assigned"] == [] and len(again["already_assigned"]) == len(result["assigned"])


def test_create_assignments_bad_input(client: TestClient, session: Session) -> None:
    headers = signed(client, "sup_carl")
    base = {
        "course": "PRIV-102",
        "target": {"type": "employee", "id": person(session, "psr_alice").id},
        "due_on": DUE,
        "reason": "r",
    }
    both = client.post(
        "/api/v1/assignments",
        json={**base, "target": {"type": "team", "id": 1, "code": "x"}},
        headers=headers,
    )
    assert both.status_code == 422 and "exactly one of id or code" in both.json()["detail"]
    site = client.post(
        "/api/v1/assignments", json={**base, "target": {"type": "site", "id": 1}}, headers=headers
    )
    assert site.status_code == 422 and "named by its code" in site.json()["detail"]
    unknown = client.post("/api/v1/assignments", json={**base, "course": "NOPE-1"}, headers=headers)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "No course with code 'NOPE-1'."
    past = client.post("/api/v1/assignments", json={**base, "due_on": "2001-01-01"}, headers=headers)
    assert past.status_code == 400 and "in the past" in past.json()["detail"]
    date = client.post("/api/v1/assignments", json={**base, "due_on": "soon"}, headers=headers)
    assert date.status_code == 422 and "due_on" in date.json()["detail"]
    dan = client.post(
        "/api/v1/assignments",
        json={**base, "target": {"type": "employee", "id": person(session, "outsider_dan").id}},
        headers=headers,
    )
    assert dan.status_code == 403 and "outside your scope" in dan.json()["detail"]
    no_csrf = client.post("/api/v1/assignments", json=base)
    assert no_csrf.status_code == 403
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_employees_cannot_assign(client: TestClient, session: Session) -> None:
    headers = signed(client, "psr_alice")
    body = {
        "course": "PRIV-102",
        "target": {"type": "employee", "id": person(session, "psr_alice").id},
        "due_on": DUE,
        "reason": "r",
    }
    response = client.post("/api/v1/assignments", json=body, headers=headers)
    assert response.status_code == 403 and response.json()["detail"].startswith("Only supervisors, trainers")


def test_patch_assignment(client: TestClient, session: Session) -> None:
    headers = signed(client, "trainer_tina")
    alice = person(session, "psr_alice")
    client.post(
        "/api/v1/assignments",
        json={
            "course": "COMM-110",
            "target": {"type": "employee", "code": alice.email},
            "due_on": DUE,
            "reason": "r",
        },
        headers=headers,
    )
    row = session.scalar(select(Assignment))
    assert row is not None
    later = (TODAY + dt.timedelta(days=60)).isoformat()
    moved = client.patch(
        f"/api/v1/assignments/{row.id}", json={"due_on": later, "reason": "Leave"}, headers=headers
    )
    assert moved.status_code == 200 and moved.json()["due_on"] == later
    assert [h["action"] for h in moved.json()["history"]] == ["assigned", "due-moved"]
    no_reason = client.patch(f"/api/v1/assignments/{row.id}", json={"action": "waive"}, headers=headers)
    assert no_reason.status_code == 422 and "waiver needs a reason" in no_reason.json()["detail"]
    both = client.patch(
        f"/api/v1/assignments/{row.id}", json={"action": "cancel", "due_on": later}, headers=headers
    )
    assert both.status_code == 422
    waived = client.patch(
        f"/api/v1/assignments/{row.id}", json={"action": "waive", "reason": "Prior cert"}, headers=headers
    )
    assert waived.json()["state"] == "waived" and waived.json()["state_reason"] == "Prior cert"
    cancelled = client.patch(f"/api/v1/assignments/{row.id}", json={"action": "cancel"}, headers=headers)
    assert cancelled.json()["state"] == "cancelled"
    assert (
        client.patch("/api/v1/assignments/999999", json={"action": "cancel"}, headers=headers).status_code
        == 404
    )


def test_mark_completion_api(client: TestClient, session: Session) -> None:
    headers = signed(client, "psr_alice")
    before = session.scalar(select(func.count()).select_from(Completion))
    done = client.post(
        "/api/v1/completions",
        json={"course": "COMM-110", "completed_at": TODAY.isoformat(), "score": 90},
        headers=headers,
    )
    assert done.status_code == 200
    assert done.json() == {
        "course": "COMM-110",
        "employee_id": person(session, "psr_alice").id,
        "outcome": "recorded",
        "claim_id": None,
    }
    required = client.post(
        "/api/v1/completions", json={"course": "PSR-110", "completed_at": TODAY.isoformat()}, headers=headers
    ).json()
    assert required["outcome"] == "awaiting confirmation" and required["claim_id"]
    future = client.post(
        "/api/v1/completions", json={"course": "COMM-120", "completed_at": "2999-01-01"}, headers=headers
    )
    assert future.status_code == 400 and "in the future" in future.json()["detail"]
    score = client.post(
        "/api/v1/completions",
        json={"course": "COMM-120", "completed_at": TODAY.isoformat(), "score": 101},
        headers=headers,
    )
    assert score.status_code == 422 and "score" in score.json()["detail"]
    other = client.post(
        "/api/v1/completions",
        json={
            "course": "COMM-120",
            "completed_at": TODAY.isoformat(),
            "employee_id": person(session, "lead_bea").id,
        },
        headers=headers,
    )
    assert other.status_code == 403
    assert session.scalar(select(func.count()).select_from(Completion)) == before + 1


def test_odd_input_is_a_clear_4xx_never_a_500(client: TestClient, session: Session) -> None:
    headers = signed(client, "sup_carl")
    huge = "99999999999999999999"
    assert client.get(f"/api/v1/employees/{huge}/learning-plan").status_code == 422
    assert (
        client.patch(f"/api/v1/assignments/{huge}", json={"action": "cancel"}, headers=headers).status_code
        == 422
    )
    body = {"course": "PRIV-102", "target": {"type": "employee", "code": huge}, "due_on": DUE, "reason": "r"}
    missing = client.post("/api/v1/assignments", json=body, headers=headers)
    assert missing.status_code == 404 and "No employee with id, number or email" in missing.json()["detail"]
    nul_course = client.post("/api/v1/assignments", json={**body, "course": "PRIV\x00-102"}, headers=headers)
    assert nul_course.status_code == 404
    alice = person(session, "psr_alice")
    target = {"type": "employee", "id": alice.id}
    cleaned = client.post(
        "/api/v1/assignments", json={**body, "target": target, "reason": "Refresh\x00\tnow"}, headers=headers
    )
    assert cleaned.status_code == 200
    row = session.scalar(select(Assignment).where(Assignment.employee_id == alice.id))
    assert row is not None and row.reason == "Refresh now"
