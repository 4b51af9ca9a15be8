"""Every teams and admin route, for every kind of account, in and out of scope. Alice (a PSR I) is the
subject: Bea is her site lead, Carl her supervisor, Tina a trainer in her region, Dan someone elsewhere."""

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.teams import onboarding
from tests.helpers import page_csrf, sign_in
from tests.teams.support import TODAY, person, user

ACCOUNTS = ["psr_alice", "lead_bea", "sup_carl", "trainer_tina", "outsider_dan", "admin_ada"]
TEAM = {"psr_alice": 403, "outsider_dan": 403}  # everyone else 200
ANALYTICS = {"sup_carl": 200, "admin_ada": 200}  # everyone else 403
ALICE_VISIBLE = {"outsider_dan": 403}
RATINGS = {"lead_bea": 403, "trainer_tina": 403, "outsider_dan": 403}
ADMIN = {"admin_ada": 200}
OWN_RECORD = {"admin_ada": 400}

# (path, {account: status}, default status)
GETS: list[tuple[str, dict[str, int], int]] = [
    ("/team", TEAM, 200),
    ("/team.csv", TEAM, 200),
    ("/team/sites", TEAM, 200),
    ("/team/sites/NV-PSC-01", TEAM, 200),
    ("/team/onboarding", TEAM, 200),
    ("/api/v1/onboarding", TEAM, 200),
    ("/team/bench", ANALYTICS, 403),
    ("/team/bench.csv", ANALYTICS, 403),
    ("/api/v1/bench", ANALYTICS, 403),
    ("/team/analytics", ANALYTICS, 403),
    ("/team/analytics.csv?chart=compliance", ANALYTICS, 403),
    ("/api/v1/teams/{carl}", ANALYTICS, 403),
    ("/team/people/{alice}", ALICE_VISIBLE, 200),
    ("/team/onboarding/{alice}", ALICE_VISIBLE, 200),
    ("/api/v1/onboarding/{alice}", ALICE_VISIBLE, 200),
    ("/api/v1/observations?employee_id={alice}", ALICE_VISIBLE, 200),
    ("/team/people/{alice}/ratings", RATINGS, 200),
    ("/api/v1/employees/{alice}/ratings", RATINGS, 200),
    ("/ratings", OWN_RECORD, 200),
    ("/onboarding", OWN_RECORD, 200),
    ("/api/v1/onboarding/templates", {}, 200),
    ("/stories/new", {}, 200),
    ("/stories/mine", {}, 200),
    ("/api/v1/story-submissions", {}, 200),
    ("/admin", ADMIN, 403),
    ("/admin/content", ADMIN, 403),
    ("/admin/content/roles/psr-2", ADMIN, 403),
    ("/admin/content/paths/psr-1--psr-2", ADMIN, 403),
    ("/admin/content/new?kind=courses", ADMIN, 403),
    ("/admin/content/export", ADMIN, 403),
    ("/admin/onboarding-templates/new", ADMIN, 403),
    ("/admin/stories", ADMIN, 403),
    ("/admin/audit", ADMIN, 403),
    ("/api/v1/audit", ADMIN, 403),
]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_pages_and_reads(client: TestClient, session: Session, account: str) -> None:
    ids = {"alice": person(session, "psr_alice").id, "carl": person(session, "sup_carl").id}
    sign_in(client, account)
    wrong = []
    for path, special, default in GETS:
        expected = special.get(account, default)
        status = client.get(path.format(**ids), follow_redirects=False).status_code
        if status != expected:
            wrong.append(f"GET {path}: {status}, expected {expected}")
    assert wrong == []


WRITES = {
    # (method, path, body): {account: status}
    "rate": {"psr_alice": 201, "sup_carl": 201, "admin_ada": 201},
    "observe": {"lead_bea": 201, "sup_carl": 201, "admin_ada": 201},
    "start": {"lead_bea": 201, "sup_carl": 201, "admin_ada": 201},
    "sign-off": {"lead_bea": 200, "admin_ada": 200},
    "moderate": {"admin_ada": 404},  # a shipped story was never submitted, so there is nothing to moderate
    "move": {"sup_carl": 200, "admin_ada": 200},
}


@pytest.mark.parametrize("account", ACCOUNTS)
def test_writes(client: TestClient, session: Session, account: str) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, account)
    headers = {"X-CSRF-Token": page_csrf(client)}
    rating = {"ratings": [{"competency": "composure", "level": 2}]}
    observation = {"employee_id": alice.id, "competency": "composure", "level": 2, "note": "Calm"}
    calls = {
        "rate": ("POST", f"/api/v1/employees/{alice.id}/ratings", rating),
        "observe": ("POST", "/api/v1/observations", observation),
        "start": ("POST", "/api/v1/onboarding", {"employee_id": alice.id}),
        "sign-off": ("POST", f"/api/v1/onboarding/{alice.id}/items/welcome/sign-off", {"note": ""}),
        "moderate": ("POST", "/api/v1/stories/dana-psr-1-to-psr-2/moderate", {"decision": "approve"}),
        "move": ("POST", f"/api/v1/employees/{alice.id}/role", {"role": "psr-2"}),
    }
    wrong = []
    for name, (method, path, body) in calls.items():
        if name == "sign-off" and onboarding.plan_of(session, alice) is None:
            onboarding.start_plan(
                session,
                user(session, "lead_bea"),
                alice,
                template_id=None,
                mentor_id=None,
                started_on=TODAY - dt.timedelta(days=3),
            )
        if name == "sign-off":  # a step is signed off once the new hire has marked it done
            plan = onboarding.require_plan(session, alice)
            if onboarding.item_by_code(plan, "welcome").done_on is None:
                onboarding.mark_done(session, user(session, "psr_alice"), plan, "welcome", TODAY)
        expected = WRITES[name].get(account, 403)
        status = client.request(method, path, json=body, headers=headers).status_code
        if status != expected:
            wrong.append(f"{name}: {status}, expected {expected}")
    assert wrong == []
