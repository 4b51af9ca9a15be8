"""Every tracker and learning plan says in one line who can see it, and the line matches the rules."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth import permissions
from pathways.auth.models import User
from pathways.org.models import Employee
from tests.helpers import page_csrf, sign_in

LINE = re.compile(r'<p class="audience" id="who-can-see"><strong>Who can see this:</strong> (.*?)</p>')


def line(page: str) -> str:
    found = LINE.findall(page)
    assert len(found) == 1, "exactly one privacy line"
    return found[0]


def alices_tracker(client: TestClient) -> int:
    sign_in(client, "psr_alice")
    made = client.post(
        "/api/v1/me/trackers", json={"role": "psr-2"}, headers={"X-CSRF-Token": page_csrf(client)}
    )
    assert made.status_code == 201
    return int(made.json()["id"])


def test_alices_tracker_says_who_sees_it_and_that_her_notes_are_hers(client: TestClient) -> None:
    tracker = alices_tracker(client)
    expected = (
        "Seen by you, your supervisor Carl Lindqvist (and the supervisors above them), and Pathways "
        "administrators. Your private notes are yours alone."
    )
    assert line(client.get(f"/trackers/{tracker}").text) == expected
    assert line(client.get("/trackers").text) == expected


def test_her_supervisor_reads_the_same_line_about_her(client: TestClient) -> None:
    tracker = alices_tracker(client)
    client.cookies.clear()
    sign_in(client, "sup_carl")
    said = line(client.get(f"/trackers/{tracker}").text)
    assert said.startswith("Seen by Alice Moreno, their supervisor Carl Lindqvist")
    assert said.endswith("Private notes are Alice Moreno&#39;s alone.")


def test_a_learning_plan_names_everyone_who_may_see_it(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    said = line(client.get("/learning").text)
    assert said.startswith("Seen by you, your supervisor Carl Lindqvist (and the supervisors above them), ")
    assert "the site leads at " in said and "the trainers in the " in said
    assert said.endswith(", and Pathways administrators.")


@pytest.mark.parametrize(
    ("who", "trackers", "plan"),
    [
        ("psr_alice", True, True),
        ("sup_carl", True, True),
        ("admin_ada", True, True),
        ("lead_bea", False, True),  # a site lead: her learning and onboarding, not her trackers
        ("trainer_tina", False, True),
        ("outsider_dan", False, False),
    ],
)
def test_the_sentences_match_the_rules(session: Session, who: str, trackers: bool, plan: bool) -> None:
    viewer = session.scalars(select(User).where(User.email == f"{who}@pathways.example")).one()
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()
    assert permissions.can_view_trackers(session, viewer, alice) is trackers
    assert permissions.can_view_employee(session, viewer, alice) is plan
    assert permissions.can_read_tracker_notes(viewer, alice) is (who == "psr_alice")


def test_a_site_lead_gets_no_tracker_of_someone_at_her_site(client: TestClient, session: Session) -> None:
    tracker = alices_tracker(client)
    alice = session.scalar(select(Employee.id).where(Employee.email == "psr_alice@pathways.example"))
    client.cookies.clear()
    sign_in(client, "lead_bea")
    refused = client.get(f"/trackers/{tracker}")
    assert refused.status_code == 403
    assert "supervisors in their reporting line" in refused.text
    assert client.get(f"/trackers?employee_id={alice}").status_code == 403
    team = client.get("/team").text
    assert f'href="/trackers/{tracker}"' not in team and "Working toward" not in team
    # What she may see of Alice stays open: the learning plan, with its own privacy line.
    assert "the site leads at" in line(client.get(f"/learning/employees/{alice}").text)
