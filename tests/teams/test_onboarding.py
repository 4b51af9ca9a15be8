"""Onboarding plans: templates per role and site type, mentor, due dates, sign-off by the site lead."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound
from pathways.inbox.models import Notification
from pathways.teams import onboarding
from pathways.teams.models import OnboardingPlan
from tests.helpers import page_csrf, sign_in
from tests.teams.support import TODAY, hire, person, user


def _start(session: Session, who: str = "lead_bea", mentor: str | None = "lead_bea") -> OnboardingPlan:
    alice = person(session, "psr_alice")
    mentor_id = person(session, mentor).id if mentor else None
    return onboarding.start_plan(
        session,
        user(session, who),
        alice,
        template_id=None,
        mentor_id=mentor_id,
        started_on=TODAY - dt.timedelta(days=10),
    )


def test_templates_ship_with_the_schema_and_fit_role_and_site_type(session: Session) -> None:
    names = {t.name for t in onboarding.templates(session)}
    assert "PSR I at a patient service center" in names and "PSR II Float" in names
    # Alice is a PSR I at a patient service center: the specific template wins over "any site".
    chosen = onboarding.template_for(session, person(session, "psr_alice"))
    assert chosen is not None and chosen.site_type == "patient-service-center"
    codes = [item["code"] for item in chosen.items]
    assert {"shadowing", "ehr-training", "privacy-module", "supervised-draws", "first-solo-shift"} <= set(
        codes
    )


def test_site_lead_starts_a_plan_with_due_dates_and_a_mentor(session: Session) -> None:
    plan = _start(session)
    assert plan.mentor is not None and plan.mentor.name == "Bea Tanaka"
    first = plan.items[0]
    assert first.due_on == plan.started_on + dt.timedelta(days=1)
    progress = onboarding.progress(plan, TODAY)
    assert progress.total == len(plan.items) and progress.signed_off == 0 and progress.overdue >= 1
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "onboarding.start")) is not None
    with pytest.raises(Conflict):
        _start(session)


def test_sign_off_by_the_site_lead_only(session: Session) -> None:
    plan = _start(session)
    onboarding.mark_done(session, user(session, "psr_alice"), plan, "shadowing", TODAY)
    for who in ("sup_carl", "trainer_tina", "psr_alice", "outsider_dan"):
        with pytest.raises(Forbidden):
            onboarding.sign_off(session, user(session, who), plan, "shadowing", "")
    onboarding.sign_off(session, user(session, "lead_bea"), plan, "shadowing", "Three good shifts")
    item = onboarding.item_by_code(plan, "shadowing")
    assert item.signed_off_by_name == "Bea Tanaka" and item.note == "Three good shifts"
    assert onboarding.progress(plan, TODAY).signed_off == 1
    with pytest.raises(Conflict):
        onboarding.sign_off(session, user(session, "lead_bea"), plan, "shadowing", "")
    with pytest.raises(NotFound):
        onboarding.sign_off(session, user(session, "lead_bea"), plan, "juggling", "")


def test_the_supervisor_hears_when_every_step_is_signed_off(session: Session) -> None:
    plan = _start(session)
    for item in plan.items:
        onboarding.mark_done(session, user(session, "psr_alice"), plan, item.code, TODAY)
        onboarding.sign_off(session, user(session, "lead_bea"), plan, item.code, "")
    carl = user(session, "sup_carl")
    note = session.scalar(
        select(Notification).where(Notification.user_id == carl.id, Notification.kind == "onboarding")
    )
    assert note is not None and "completed onboarding" in note.message


def test_new_hire_ticks_and_coaches_move_dates_and_mentors(session: Session) -> None:
    plan = _start(session, mentor=None)
    onboarding.mark_done(session, user(session, "psr_alice"), plan, "welcome", TODAY)
    assert onboarding.item_by_code(plan, "welcome").done_on == TODAY
    with pytest.raises(Forbidden):
        onboarding.mark_done(session, user(session, "outsider_dan"), plan, "welcome", TODAY)
    onboarding.set_due(
        session, user(session, "sup_carl"), plan, "first-solo-shift", TODAY + dt.timedelta(days=60)
    )
    assert onboarding.item_by_code(plan, "first-solo-shift").due_on == TODAY + dt.timedelta(days=60)
    with pytest.raises(BadRequest, match="before the plan started"):
        onboarding.set_due(
            session, user(session, "lead_bea"), plan, "welcome", plan.started_on - dt.timedelta(days=1)
        )
    [coworker] = hire(session, person(session, "lead_bea"), 1, prefix="mentor")
    onboarding.set_mentor(session, user(session, "lead_bea"), plan, coworker.id)
    assert plan.mentor_employee_id == coworker.id
    with pytest.raises(BadRequest, match="another site"):
        onboarding.set_mentor(session, user(session, "lead_bea"), plan, person(session, "outsider_dan").id)
    with pytest.raises(BadRequest, match="themselves"):
        onboarding.set_mentor(session, user(session, "lead_bea"), plan, person(session, "psr_alice").id)


def test_site_lead_signs_off_in_the_browser_and_the_supervisor_sees_progress(
    client: TestClient, session: Session
) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "lead_bea")
    csrf = page_csrf(client)
    empty = client.get(f"/team/onboarding/{alice.id}")
    assert "Start the plan" in empty.text
    started = client.post(
        f"/team/onboarding/{alice.id}",
        data={"csrf_token": csrf, "template_id": "", "mentor_id": str(person(session, "lead_bea").id)},
        follow_redirects=False,
    )
    assert started.status_code == 303
    onboarding.mark_done(
        session, user(session, "psr_alice"), onboarding.require_plan(session, alice), "welcome", TODAY
    )
    signed = client.post(
        f"/team/onboarding/{alice.id}/items/welcome/sign-off",
        data={"csrf_token": csrf, "note": "Toured the site"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    assert "by Bea Tanaka" in client.get(f"/team/onboarding/{alice.id}").text
    client.cookies.clear()
    sign_in(client, "sup_carl")
    overview = client.get("/team/onboarding")
    assert "Alice Moreno" in overview.text and "1 of" in overview.text
    detail = client.get(f"/team/onboarding/{alice.id}")
    assert detail.status_code == 200 and "Sign off" not in detail.text and "Mark done" not in detail.text
    refused = client.post(
        f"/team/onboarding/{alice.id}/items/shadowing/sign-off", data={"csrf_token": page_csrf(client)}
    )
    assert refused.status_code == 403


def test_onboarding_api(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "lead_bea")
    csrf = {"X-CSRF-Token": page_csrf(client)}
    status = client.get(f"/api/v1/onboarding/{alice.id}").json()
    assert status["plan"] is None and status["suggested_template"]["site_type"] == "patient-service-center"
    templates = client.get("/api/v1/onboarding/templates").json()
    assert any(t["role"] == "psr-2-float" for t in templates)
    made = client.post("/api/v1/onboarding", json={"employee_id": alice.id}, headers=csrf)
    assert made.status_code == 201 and made.json()["steps"] == len(made.json()["items"])
    assert {i["state"] for i in made.json()["items"]} == {"to_do"}
    plan = onboarding.require_plan(session, alice)
    onboarding.mark_done(session, user(session, "psr_alice"), plan, "welcome", TODAY)
    assert client.post("/api/v1/onboarding", json={"employee_id": alice.id}, headers=csrf).status_code == 409
    ticked = client.post(
        f"/api/v1/onboarding/{alice.id}/items/welcome/sign-off", json={"note": "ok"}, headers=csrf
    )
    assert ticked.status_code == 200 and ticked.json()["signed_off"] == 1
    assert ticked.json()["items"][0]["state"] == "signed_off"
    moved = client.patch(
        f"/api/v1/onboarding/{alice.id}/items/shadowing", json={"due_on": "2099-01-01"}, headers=csrf
    )
    assert moved.status_code == 200
    assert (
        client.patch(
            f"/api/v1/onboarding/{alice.id}/items/shadowing", json={"due_on": "soon"}, headers=csrf
        ).status_code
        == 422
    )
    # Marking done is the new hire's own step; a site lead signs off and is refused the tick.
    assert client.post(f"/api/v1/onboarding/{alice.id}/items/shadowing/done", headers=csrf).status_code == 403
    assert (
        client.post(f"/api/v1/onboarding/{alice.id}/items/nope/sign-off", json={}, headers=csrf).status_code
        == 404
    )
    listed = client.get("/api/v1/onboarding").json()
    assert [p["employee"]["name"] for p in listed] == ["Alice Moreno"]
    assert (
        client.patch(
            f"/api/v1/onboarding/{alice.id}", json={"mentor_employee_id": None}, headers=csrf
        ).json()["mentor"]
        is None
    )


def test_the_new_hire_sees_and_ticks_their_own_plan(client: TestClient, session: Session) -> None:
    _start(session)
    sign_in(client, "psr_alice")
    page = client.get("/onboarding")
    assert page.status_code == 200 and "My onboarding" in page.text and "Mark done" in page.text
    assert "Sign off" not in page.text and "Due date" not in page.text
    alice = person(session, "psr_alice")
    done = client.post(
        f"/team/onboarding/{alice.id}/items/welcome/done",
        data={"csrf_token": page_csrf(client)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/onboarding")


def test_onboarding_is_out_of_reach_outside_the_scope(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "outsider_dan")
    assert client.get(f"/api/v1/onboarding/{alice.id}").status_code == 403
    assert client.get(f"/team/onboarding/{alice.id}").status_code == 403
    assert client.get("/team/onboarding").status_code == 403
    csrf = {"X-CSRF-Token": page_csrf(client)}
    assert client.post("/api/v1/onboarding", json={"employee_id": alice.id}, headers=csrf).status_code == 403


def test_the_person_page_opens_for_someone_with_an_onboarding_plan(
    client: TestClient, session: Session
) -> None:
    # Loading the plan reloads the employee without their manager: the page answered 500 for every new hire.
    alice = person(session, "psr_alice")
    _start(session)
    sign_in(client, "lead_bea")
    page = client.get(f"/team/people/{alice.id}")
    assert page.status_code == 200
    assert "Carl Lindqvist" in page.text and "steps signed off" in page.text


def test_each_step_goes_to_do_then_done_by_the_new_hire_then_signed_off(session: Session) -> None:
    plan = _start(session)
    item = onboarding.item_by_code(plan, "shadowing")
    assert onboarding.step_state(item) == "to_do"
    with pytest.raises(Conflict, match="still to do"):
        onboarding.sign_off(session, user(session, "lead_bea"), plan, "shadowing", "")
    # Only the new hire says a step is done: not her site lead, supervisor, trainer or an admin.
    for who in ("lead_bea", "sup_carl", "trainer_tina", "admin_ada", "outsider_dan"):
        with pytest.raises(Forbidden, match="Only the new hire"):
            onboarding.mark_done(session, user(session, who), plan, "shadowing", TODAY)
    onboarding.mark_done(session, user(session, "psr_alice"), plan, "shadowing", TODAY)
    assert onboarding.step_state(item) == "done" and item.done_on == TODAY
    with pytest.raises(Conflict, match="already marked done"):
        onboarding.mark_done(session, user(session, "psr_alice"), plan, "shadowing", TODAY)
    onboarding.sign_off(session, user(session, "lead_bea"), plan, "shadowing", "")
    assert onboarding.step_state(item) == "signed_off"
    with pytest.raises(Conflict, match="already signed off"):
        onboarding.mark_done(session, user(session, "psr_alice"), plan, "shadowing", TODAY)
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "onboarding_items")))
    assert {"onboarding.done", "onboarding.sign_off"} <= actions


def _buttons(client: TestClient, path: str) -> tuple[int, int]:
    text = client.get(path).text
    return text.count(">Mark done <"), text.count(">Sign off <")


def test_each_person_sees_only_the_button_they_may_use(client: TestClient, session: Session) -> None:
    plan = _start(session)
    alice = person(session, "psr_alice")
    steps = len(plan.items)
    onboarding.mark_done(session, user(session, "psr_alice"), plan, "welcome", TODAY)
    path = f"/team/onboarding/{alice.id}"

    sign_in(client, "psr_alice")
    assert _buttons(client, "/onboarding") == (steps - 1, 0)
    page = client.get("/onboarding").text
    assert "To do" in page and "Done, waiting for sign-off" in page and "Due date" not in page
    client.cookies.clear()
    sign_in(client, "lead_bea")
    assert _buttons(client, path) == (0, 1)
    client.cookies.clear()
    sign_in(client, "sup_carl")  # sets due dates and mentors; neither ticks nor signs off
    assert _buttons(client, path) == (0, 0) and "Due date" in client.get(path).text

    client.cookies.clear()
    sign_in(client, "lead_bea")
    signed = client.post(
        f"{path}/items/welcome/sign-off", data={"csrf_token": page_csrf(client)}, follow_redirects=False
    )
    assert signed.status_code == 303
    early = client.post(f"{path}/items/shadowing/sign-off", data={"csrf_token": page_csrf(client)})
    assert early.status_code == 409 and "marks it done first" in early.text
    assert _buttons(client, path) == (0, 0)
    assert "Signed off" in client.get(path).text
