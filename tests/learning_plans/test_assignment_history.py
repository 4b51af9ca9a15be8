"""An assignment's history (assigned, due date moved, cancelled, waived) is visible: in the API to whoever may
see the employee, and on the learning plan page, with who acted and why."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.learning.models import Assignment
from tests.helpers import page_csrf, sign_in
from tests.learning_plans.conftest import TODAY, course, person

DUE = (TODAY + dt.timedelta(days=30)).isoformat()
LATER = (TODAY + dt.timedelta(days=60)).isoformat()


def assigned_and_moved(client: TestClient, session: Session) -> int:
    sign_in(client, "trainer_tina")
    headers = {"X-CSRF-Token": page_csrf(client)}
    alice = person(session, "psr_alice")
    body = {"course": "COMM-110", "target": {"type": "employee", "code": alice.email}, "due_on": DUE,
            "reason": "Service recovery refresher"}  # fmt: skip
    assert client.post("/api/v1/assignments", json=body, headers=headers).status_code == 200
    row = session.scalar(
        select(Assignment).where(
            Assignment.employee_id == alice.id, Assignment.course_id == course(session, "COMM-110").id
        )
    )
    assert row is not None
    moved = client.patch(
        f"/api/v1/assignments/{row.id}", json={"due_on": LATER, "reason": "Back from leave"}, headers=headers
    )
    assert moved.status_code == 200
    client.cookies.clear()
    return row.id


def test_the_employee_reads_the_history_with_who_and_why(client: TestClient, session: Session) -> None:
    assignment_id = assigned_and_moved(client, session)
    sign_in(client, "psr_alice")
    body = client.get(f"/api/v1/assignments/{assignment_id}").json()
    assert [(h["action"], h["by"]) for h in body["history"]] == [
        ("assigned", "Tina Haddad"),
        ("due-moved", "Tina Haddad"),
    ]
    assert body["history"][1]["reason"] == "Back from leave" and body["history"][1]["due_on"] == LATER
    assert body["due_on"] == LATER


def test_someone_out_of_scope_gets_404_and_anonymous_401(client: TestClient, session: Session) -> None:
    assignment_id = assigned_and_moved(client, session)
    assert client.get(f"/api/v1/assignments/{assignment_id}").status_code == 401
    sign_in(client, "outsider_dan")
    assert client.get(f"/api/v1/assignments/{assignment_id}").status_code == 404
    assert client.get("/api/v1/assignments/2147483647").status_code == 404


def test_the_plan_page_shows_the_history(client: TestClient, session: Session) -> None:
    assigned_and_moved(client, session)
    sign_in(client, "psr_alice")
    page = client.get("/learning").text
    assert "History (2 entries)" in page
    assert "due moved by Tina Haddad, due " + LATER + ": Back from leave" in " ".join(page.split())
