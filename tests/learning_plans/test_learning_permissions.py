"""The learning-plan rules added to auth/permissions.py, as a matrix over the demo accounts."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from pathways.auth.permissions import (
    can_assign_learning,
    can_oversee_learning,
    can_view_employee,
    reports_of,
    reports_to,
    visible_employee_ids,
)
from pathways.org.models import Employee
from tests.helpers import sign_in
from tests.learning_plans.conftest import person, user

ACCOUNTS = ["psr_alice", "lead_bea", "sup_carl", "trainer_tina", "admin_ada", "outsider_dan", "sup_sam"]


@pytest.mark.parametrize("who", ACCOUNTS)
def test_visible_ids_match_can_view_employee(session: Session, who: str) -> None:
    viewer = user(session, who)
    everyone = list(session.scalars(select(Employee)))
    expected = {e.id for e in everyone if can_view_employee(session, viewer, e)}
    assert set(session.scalars(visible_employee_ids(viewer))) == expected


def test_reports_of_matches_reports_to(session: Session) -> None:
    everyone = list(session.scalars(select(Employee)))
    for manager in everyone:
        expected = {e.id for e in everyone if reports_to(session, e, manager.id)}
        assert set(session.scalars(reports_of(manager.id))) == expected


@pytest.mark.parametrize(
    ("who", "assign", "oversee"),
    [
        ("psr_alice", False, False),
        ("outsider_dan", False, False),
        ("lead_bea", False, True),
        ("sup_carl", True, True),
        ("trainer_tina", True, True),
        ("admin_ada", True, True),
    ],
)
def test_who_assigns_and_who_oversees(session: Session, who: str, assign: bool, oversee: bool) -> None:
    account = user(session, who)
    assert (can_assign_learning(account), can_oversee_learning(account)) == (assign, oversee)


def test_an_account_without_employee_record_sees_nobody_unless_admin(session: Session) -> None:
    ghost = User(email="ghost@pathways.example", name="Ghost", account_role="supervisor", password_hash=None)
    session.add(ghost)
    session.flush()
    assert list(session.scalars(visible_employee_ids(ghost))) == []
    assert person(session, "psr_alice").id not in set(session.scalars(visible_employee_ids(ghost)))


@pytest.mark.parametrize("who", ACCOUNTS)
def test_the_learning_page_offers_only_what_its_routes_allow(client: TestClient, who: str) -> None:
    # A site lead's /learning offered "Assign a course", which answered 403.
    sign_in(client, who)
    page = client.get("/learning")
    assert page.status_code == 200
    offered = set(re.findall(r'href="(/(?:learning|team|admin)[^"#]*)"', page.text))
    assert offered, "the page offers nothing to check"
    for link in offered:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, (who, link)
    if who == "lead_bea":
        assert "/learning/assign" not in page.text
    if who == "sup_carl":
        assert 'href="/learning/assign"' in page.text
