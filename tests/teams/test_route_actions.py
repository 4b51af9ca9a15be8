"""Route-level checks, in scope and out, for the actions the generated matrix only proves are refused to
anonymous callers: withdrawing a story, an onboarding plan's mentor and due dates, the admin content editor
for competencies and deleting a lattice move."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.careers.models import PathEdge, Role
from pathways.teams import onboarding
from pathways.teams.models import OnboardingItem, OnboardingPlan
from tests.helpers import page_csrf, sign_in
from tests.teams.support import TODAY, person, user

STORY = {"title": "From the desk to the lead chair", "from_role": "psr-1", "to_role": "psr-2",
         "months": 14, "courses": [], "tips": ["Ask for the hard shifts"],
         "body": "Synthetic story for a test."}  # fmt: skip


def as_(client: TestClient, who: str) -> dict[str, str]:
    client.cookies.clear()
    sign_in(client, who)
    return {"X-CSRF-Token": page_csrf(client)}


def test_only_the_author_withdraws_a_story(client: TestClient) -> None:
    created = client.post("/api/v1/stories", json=STORY, headers=as_(client, "psr_alice"))
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    for stranger in ("outsider_dan", "sup_carl"):
        refused = client.post(f"/api/v1/stories/{slug}/withdraw", headers=as_(client, stranger))
        assert refused.status_code in (403, 404), (stranger, refused.status_code)
    headers = as_(client, "psr_alice")
    withdrawn = client.post(f"/api/v1/stories/{slug}/withdraw", headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    form = client.post(
        f"/stories/mine/{slug}/withdraw", data={"csrf_token": headers["X-CSRF-Token"]}, follow_redirects=False
    )
    assert form.status_code in (303, 409)


def _plan(session: Session) -> OnboardingPlan:
    return onboarding.start_plan(
        session, user(session, "lead_bea"), person(session, "psr_alice"), template_id=None,
        mentor_id=None, started_on=TODAY - dt.timedelta(days=3),
    )  # fmt: skip


def test_mentor_and_due_dates_in_scope_and_out(client: TestClient, session: Session) -> None:
    plan = _plan(session)
    alice, bea = person(session, "psr_alice"), person(session, "lead_bea")
    code = session.scalars(select(OnboardingItem.code).where(OnboardingItem.plan_id == plan.id)).first()
    new_due = (TODAY + dt.timedelta(days=40)).isoformat()
    for stranger in ("outsider_dan", "sup_sam"):
        csrf = as_(client, stranger)["X-CSRF-Token"]
        mentor = client.post(
            f"/team/onboarding/{alice.id}/mentor", data={"csrf_token": csrf, "mentor_id": str(bea.id)}
        )
        due = client.post(
            f"/team/onboarding/{alice.id}/items/{code}/due", data={"csrf_token": csrf, "due_on": new_due}
        )
        assert (mentor.status_code, due.status_code) == (403, 403), stranger
    session.refresh(plan)
    assert plan.mentor_employee_id is None
    csrf = as_(client, "lead_bea")["X-CSRF-Token"]
    assert (
        client.post(
            f"/team/onboarding/{alice.id}/mentor",
            data={"csrf_token": csrf, "mentor_id": str(bea.id)},
            follow_redirects=False,
        ).status_code
        == 303
    )
    moved = client.post(
        f"/team/onboarding/{alice.id}/items/{code}/due",
        data={"csrf_token": csrf, "due_on": new_due},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    bad = client.post(
        f"/team/onboarding/{alice.id}/items/{code}/due", data={"csrf_token": csrf, "due_on": "31/12/2026"}
    )
    assert 400 <= bad.status_code < 500
    session.expire_all()
    assert session.get(OnboardingPlan, plan.id).mentor_employee_id == bea.id  # type: ignore[union-attr]
    item = session.scalars(
        select(OnboardingItem).where(OnboardingItem.plan_id == plan.id, OnboardingItem.code == code)
    ).one()
    assert item.due_on.isoformat() == new_due


def _edge_count(session: Session) -> int:
    return len(session.scalars(select(PathEdge.id)).all())


def test_admin_content_pages_for_competencies_and_deleting_a_move(
    client: TestClient, session: Session
) -> None:
    for who in ("sup_carl", "psr_alice"):
        headers = as_(client, who)
        assert client.get("/admin/content/competencies/composure").status_code == 403
        refused = client.post(
            "/admin/content/paths/psr-1--psr-2/delete", data={"csrf_token": headers["X-CSRF-Token"]}
        )
        assert refused.status_code == 403
    before = _edge_count(session)
    headers = as_(client, "admin_ada")
    page = client.get("/admin/content/competencies/composure")
    assert page.status_code == 200 and "composure" in page.text.lower()
    assert client.get("/admin/content/competencies/no-such-thing").status_code == 404
    deleted = client.post(
        "/admin/content/paths/psr-1--psr-2/delete",
        data={"csrf_token": headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    session.expire_all()
    assert _edge_count(session) == before - 1
    psr1 = session.scalar(select(Role.id).where(Role.code == "psr-1"))
    psr2 = session.scalar(select(Role.id).where(Role.code == "psr-2"))
    assert (
        session.scalar(select(PathEdge).where(PathEdge.from_role_id == psr1, PathEdge.to_role_id == psr2))
        is None
    )
