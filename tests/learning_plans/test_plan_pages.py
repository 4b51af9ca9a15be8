"""The /learning pages over HTTP: plan, assign, team compliance, confirmations, actions."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.learning.models import Assignment, CompletionClaim, CourseStart
from tests.helpers import page_csrf, sign_in
from tests.learning_plans.conftest import TODAY, course, person

DUE = (TODAY + dt.timedelta(days=21)).isoformat()


def test_anonymous_is_sent_to_sign_in(client: TestClient) -> None:
    for path in (
        "/learning",
        "/learning/assign",
        "/learning/team",
        "/learning/team.csv",
        "/learning/confirmations",
        "/learning/completions/import",
        "/learning/employees/1",
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path


def test_my_plan_page(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/learning")
    assert response.status_code == 200
    text = response.text
    assert "<h1>My learning plan</h1>" in text
    assert "Required: compliance" in text and "Chosen: career" in text and "Counting toward both" in text
    assert "Required for the role PSR I" in text
    assert "Overdue by" in text  # stands out in words, not only colour
    assert 'id="progress-required"' in text
    assert "Mark completed" in text and "I have started" in text
    assert "Move due date" not in text  # managing is for supervisors


def test_admin_without_employee_record(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    response = client.get("/learning")
    assert response.status_code == 200
    assert "not linked to an employee record" in response.text
    assert "/learning/completions/import" in response.text


def test_a_supervisor_sees_and_manages_a_report_plan(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "sup_carl")
    response = client.get(f"/learning/employees/{alice.id}")
    assert response.status_code == 200
    assert "Learning plan: Alice Moreno" in response.text and "Waive PRIV-101" in response.text
    token = page_csrf(client)
    waived = client.post(
        f"/learning/employees/{alice.id}/waive",
        data={"csrf_token": token, "course": "PSR-120", "reason": "Done elsewhere"},
        follow_redirects=False,
    )
    assert waived.status_code == 303 and waived.headers["location"].endswith("?done=waived")
    assert "Course waived." in client.get(waived.headers["location"]).text


def test_others_plans_are_scoped(client: TestClient, session: Session) -> None:
    sign_in(client, "outsider_dan")
    response = client.get(f"/learning/employees/{person(session, 'psr_alice').id}")
    assert response.status_code == 403 and "your own scope" in response.text
    assert client.get("/learning/employees/999999").status_code == 404


def test_mark_started_and_completed_from_the_plan(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    token = page_csrf(client)
    started = client.post(
        "/learning/started", data={"csrf_token": token, "course": "PSR-120"}, follow_redirects=False
    )
    assert started.status_code == 303
    alice = person(session, "psr_alice")
    assert session.get(CourseStart, (alice.id, course(session, "PSR-120").id)) is not None
    marked = client.post(
        "/learning/completions",
        data={"csrf_token": token, "course": "PSR-120", "completed_at": TODAY.isoformat(), "score": "88"},
        follow_redirects=False,
    )
    assert marked.headers["location"] == "/learning?done=awaiting+confirmation"
    assert "Sent to your supervisor to confirm" in client.get(marked.headers["location"]).text
    bad = client.post(
        "/learning/completions", data={"csrf_token": token, "course": "PSR-120", "completed_at": "tomorrow"}
    )
    assert bad.status_code == 400 and "must be a date like 2026-03-31" in bad.text
    score = client.post(
        "/learning/completions",
        data={"csrf_token": token, "course": "PSR-110", "completed_at": TODAY.isoformat(), "score": "250"},
    )
    assert score.status_code == 400 and "from 0 to 100" in score.text
    no_csrf = client.post("/learning/started", data={"course": "PSR-120"})
    assert no_csrf.status_code == 403


def test_assign_page_and_form(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/learning/assign")
    assert page.status_code == 200
    carl = person(session, "sup_carl")
    assert f'value="team:{carl.id}"' in page.text and "Team of Carl Lindqvist" in page.text
    assert "Dan Kowalski" not in page.text  # only people in scope are offered
    token = page_csrf(client)
    form = {
        "csrf_token": token,
        "course": "PRIV-102",
        "target": f"team:{carl.id}",
        "due_on": DUE,
        "reason": "Annual refresher",
    }
    done = client.post("/learning/assign", data=form)
    assert done.status_code == 200 and "PRIV-102 assigned to the team of Carl Lindqvist" in done.text
    again = client.post("/learning/assign", data=form)
    assert "0 newly assigned" in again.text
    missing = client.post("/learning/assign", data={**form, "due_on": ""})
    assert (
        missing.status_code == 400
        and "Choose a due date." in missing.text
        and 'value="Annual refresher"' in missing.text
    )
    dan = person(session, "outsider_dan")
    outside = client.post("/learning/assign", data={**form, "target": f"employee:{dan.id}"})
    assert outside.status_code == 403 and "Dan Kowalski is outside your scope" in outside.text


def test_site_leads_cannot_assign(client: TestClient) -> None:
    sign_in(client, "lead_bea")
    response = client.get("/learning/assign")
    assert response.status_code == 403 and "Only supervisors, trainers and administrators" in response.text


def test_assignment_actions(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "sup_carl")
    token = page_csrf(client)
    client.post(
        "/learning/assign",
        data={
            "csrf_token": token,
            "course": "COMM-110",
            "target": f"employee:{alice.id}",
            "due_on": DUE,
            "reason": "r",
        },
    )
    row = session.scalar(select(Assignment).where(Assignment.employee_id == alice.id))
    assert row is not None
    plan = client.get(f"/learning/employees/{alice.id}").text
    assert f"/learning/assignments/{row.id}/due" in plan
    later = (TODAY + dt.timedelta(days=40)).isoformat()
    moved = client.post(
        f"/learning/assignments/{row.id}/due",
        data={"csrf_token": token, "due_on": later},
        follow_redirects=False,
    )
    assert moved.status_code == 303 and row.due_on.isoformat() == later
    cancelled = client.post(
        f"/learning/assignments/{row.id}/cancel", data={"csrf_token": token}, follow_redirects=False
    )
    assert cancelled.headers["location"].endswith("done=cancelled") and row.state == "cancelled"
    unknown = client.post(f"/learning/assignments/{row.id}/explode", data={"csrf_token": token})
    assert unknown.status_code == 404


def test_team_page_and_csv(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/learning/team?sort=employee&order=asc")
    assert page.status_code == 200 and "<h1>Team compliance</h1>" in page.text
    assert 'aria-sort="ascending"' in page.text and "Alice Moreno" in page.text
    assert "Dan Kowalski" not in page.text
    bad = client.get("/learning/team?sort=salary")
    assert bad.status_code == 422 and "Unknown sort &#39;salary&#39;" in bad.text
    exported = client.get("/learning/team.csv?sort=employee&order=asc")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    lines = exported.text.splitlines()
    assert (
        lines[0]
        == "employee,employee_number,site,role,course,course_title,due_on,days_overdue,status,why,expires_on"
    )
    names = [line.split(",")[0] for line in lines[1:]]
    assert names == sorted(names)


def test_team_page_refuses_employees(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/learning/team")
    assert (
        response.status_code == 403
        and "for supervisors, site leads, trainers and administrators" in response.text
    )


def test_confirmations_flow(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    client.post(
        "/learning/completions",
        data={"csrf_token": page_csrf(client), "course": "PSR-110", "completed_at": TODAY.isoformat()},
    )
    claim = session.scalar(select(CompletionClaim))
    assert claim is not None
    assert "Nothing is waiting for your confirmation." in client.get("/learning/confirmations").text

    client.cookies.clear()
    sign_in(client, "sup_carl")
    page = client.get("/learning/confirmations")
    assert "Confirm PSR-110 for Alice Moreno" in page.text
    token = page_csrf(client)
    done = client.post(
        f"/learning/confirmations/{claim.id}/confirm", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.headers["location"] == "/learning/confirmations?done=confirmed"
    assert claim.state == "confirmed"
    again = client.post(f"/learning/confirmations/{claim.id}/confirm", data={"csrf_token": token})
    assert again.status_code == 409
    assert (
        client.post(f"/learning/confirmations/{claim.id}/maybe", data={"csrf_token": token}).status_code
        == 404
    )
