"""The teams rules in auth/permissions.py, and recording a move to another role."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.auth import permissions as p
from pathways.careers.models import Role
from pathways.errors import BadRequest, Forbidden, NotFound
from pathways.teams import moves
from tests.helpers import page_csrf, sign_in
from tests.teams.support import TODAY, person, user

ACCOUNTS = ["psr_alice", "lead_bea", "sup_carl", "trainer_tina", "outsider_dan", "admin_ada"]


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (p.can_see_ratings, {"psr_alice", "sup_carl", "admin_ada"}),
        (p.can_coach, {"lead_bea", "sup_carl", "admin_ada"}),
        (p.can_sign_off_onboarding, {"lead_bea", "admin_ada"}),
    ],
)
def test_rules_about_alice(session: Session, rule: object, allowed: set[str]) -> None:
    alice = person(session, "psr_alice")
    got = {who for who in ACCOUNTS if rule(session, user(session, who), alice)}  # type: ignore[operator]
    assert got == allowed


def test_account_level_rules(session: Session) -> None:
    assert {w for w in ACCOUNTS if p.can_open_team(user(session, w))} == {
        "lead_bea",
        "sup_carl",
        "trainer_tina",
        "admin_ada",
    }
    assert {w for w in ACCOUNTS if p.can_see_analytics(user(session, w))} == {"sup_carl", "admin_ada"}
    carl, sam, alice = person(session, "sup_carl"), person(session, "sup_sam"), person(session, "psr_alice")
    assert p.can_see_team_of(session, user(session, "sup_carl"), carl)
    assert not p.can_see_team_of(session, user(session, "sup_carl"), sam)
    assert not p.can_see_team_of(session, user(session, "psr_alice"), alice)
    assert p.can_see_team_of(session, user(session, "admin_ada"), sam)
    with pytest.raises(Forbidden):
        p.analytics_employee_ids(session, user(session, "lead_bea"))


def test_a_supervisor_records_a_move_which_is_audited(session: Session) -> None:
    alice = person(session, "psr_alice")
    role = moves.change_role(
        session,
        user(session, "sup_carl"),
        alice,
        role_code="psr-2",
        effective_on=TODAY,
        reason="Passed the practicum",
        today=TODAY,
    )
    assert alice.role_id == role.id and alice.role_since == TODAY
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "employee.role_change"))
    assert entry is not None and entry.before == {"role": "psr-1", "role_since": entry.before["role_since"]}
    assert entry.after is not None and entry.after["role"] == "psr-2"


@pytest.mark.parametrize(
    ("who", "role", "when", "error"),
    [
        ("lead_bea", "psr-2", TODAY, Forbidden),
        ("sup_carl", "astronaut", TODAY, NotFound),
        ("sup_carl", "psr-1", TODAY, BadRequest),
        ("sup_carl", "psr-2", TODAY + dt.timedelta(days=900), BadRequest),
        ("sup_carl", "psr-2", dt.date(1990, 1, 1), BadRequest),
    ],
)
def test_bad_moves_change_nothing(
    session: Session, who: str, role: str, when: dt.date, error: type[Exception]
) -> None:
    alice = person(session, "psr_alice")
    before = alice.role_id
    with pytest.raises(error):
        moves.change_role(
            session, user(session, who), alice, role_code=role, effective_on=when, reason="", today=TODAY
        )
    assert alice.role_id == before


def test_move_form_and_api(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "sup_carl")
    csrf = page_csrf(client)
    page = client.get(f"/team/people/{alice.id}")
    assert "Record a move" in page.text and "Write an observation" in page.text
    moved = client.post(
        f"/team/people/{alice.id}/role",
        data={"csrf_token": csrf, "role": "psr-2", "reason": "Ready"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert session.scalar(select(Role.code).where(Role.id == alice.role_id)) == "psr-2"
    back = client.post(
        f"/api/v1/employees/{alice.id}/role", json={"role": "psr-1"}, headers={"X-CSRF-Token": csrf}
    )
    assert back.status_code == 200 and back.json()["role"] == "psr-1"
    assert (
        client.post(f"/api/v1/employees/{alice.id}/role", json={}, headers={"X-CSRF-Token": csrf}).status_code
        == 422
    )
