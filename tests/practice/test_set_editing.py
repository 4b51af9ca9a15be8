"""Changing and deleting a practice set: the rules, who may, and that learners' work survives."""

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.auth.models import AccountRole, User
from pathways.errors import Conflict, Forbidden
from pathways.inbox.models import Notification
from pathways.org.models import Employee
from pathways.practice import editing, service, sets
from pathways.practice.cases import kind_for
from pathways.practice.models import PracticeAttempt, PracticeSet, PracticeSetMember
from tests.helpers import page_csrf, sign_in

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def user(session: Session, who: str) -> User:
    return session.scalars(select(User).where(User.email == f"{who}@pathways.example")).one()


def employee(session: Session, who: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == f"{who}@pathways.example")).one()


def make_set(session: Session, types: list[str] | None = None) -> int:
    data = sets.NewSet(
        name="Week 1",
        case_types=types or ["privacy"],
        cases_per_type=1,
        level=2,
        members=[employee(session, "psr_alice").employee_number],
    )
    return sets.create_set(session, user(session, "trainer_tina"), data).id


def pass_case(session: Session, employee_id: int, set_id: int, case_type: str, index: int = 0) -> None:
    attempt = service.start_attempt(session, employee_id, case_type, set_id=set_id, index=index, now=START)
    kind = kind_for(case_type)
    for number, (name, payload) in enumerate(kind.model_answer(service.case_of(attempt)), start=1):
        service.act(session, attempt, name, payload, now=START + dt.timedelta(seconds=10 * number))
    service.finish(session, attempt, now=START + dt.timedelta(minutes=2))


def other_candidate(session: Session) -> Employee:
    alice = employee(session, "psr_alice")
    return next(p for p in sets.cohort_candidates(session, user(session, "trainer_tina")) if p.id != alice.id)


def signed_in(client: TestClient, who: str) -> dict[str, str]:
    client.cookies.clear()
    sign_in(client, who)
    return {"X-CSRF-Token": page_csrf(client, "/")}


def patch(client: TestClient, headers: dict[str, str], set_id: int, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1/practice/sets/{set_id}", json=body, headers=headers)


def test_before_anyone_starts_everything_can_change(client: TestClient, session: Session) -> None:
    set_id = make_set(session)
    bob = other_candidate(session)
    headers = signed_in(client, "trainer_tina")
    body = {
        "name": "  Week 1, registration  ",
        "case_types": ["registration-new", "privacy", "privacy"],
        "cases_per_type": 3,
        "level": 3,
        "members": [employee(session, "psr_alice").employee_number, bob.employee_number],
    }
    response = patch(client, headers, set_id, body)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["name"], out["case_types"], out["cases_per_type"], out["level"]) == (
        "Week 1, registration",
        ["registration-new", "privacy"],
        3,
        3,
    )
    assert "seed" not in out and "secret" not in out
    assert out["members"] == 2
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "practice-set.update")).one()
    assert entry.before and entry.before["level"] == 2 and entry.after and entry.after["level"] == 3
    assert "secret" not in entry.before and "secret" not in entry.after  # the audit log never holds it
    if (bob_user := session.scalar(select(User.id).where(User.employee_id == bob.id))) is not None:
        note = session.scalar(select(Notification.message).where(Notification.user_id == bob_user))
        assert note == "New practice set assigned: Week 1, registration"


def test_after_an_attempt_the_cases_are_fixed_but_name_and_new_learners_are_not(session: Session) -> None:
    tina, alice, bob = user(session, "trainer_tina"), employee(session, "psr_alice"), other_candidate(session)
    set_id = make_set(session)
    pass_case(session, alice.id, set_id, "privacy")
    for change in ({"level": 3}, {"case_types": ["abn"]}, {"cases_per_type": 2}):
        with pytest.raises(Conflict, match=next(iter(change)).replace("_", " ")):
            editing.update_set(session, tina, set_id, editing.SetChanges.model_validate(change))
    # The edit form sends the plan back unchanged: that is not a change.
    same = {"case_types": ["privacy"], "cases_per_type": 1, "level": 2, "name": "Week 1 (done)"}
    editing.update_set(session, tina, set_id, editing.SetChanges.model_validate(same))
    with pytest.raises(Conflict, match=alice.name):
        editing.update_set(session, tina, set_id, editing.SetChanges(members=[bob.employee_number]))
    both = [alice.employee_number, bob.employee_number]
    practice_set = editing.update_set(session, tina, set_id, editing.SetChanges(members=both))
    assert practice_set.name == "Week 1 (done)" and len(practice_set.members) == 2
    # Bob has no attempts, so he can be taken off again.
    practice_set = editing.update_set(
        session, tina, set_id, editing.SetChanges(members=[alice.employee_number])
    )
    assert [m.employee_id for m in practice_set.members] == [alice.id]


def test_bad_input_names_what_is_wrong_and_changes_nothing(client: TestClient, session: Session) -> None:
    set_id = make_set(session)
    dan = employee(session, "outsider_dan")
    headers = signed_in(client, "trainer_tina")
    cases = [
        ({"name": "   "}, 422, "name"),
        ({"name": "x" * 121}, 422, "name"),
        ({"due_date": "2026-12-01"}, 422, "due_date"),
        ({"case_types": ["nope"]}, 422, "unknown case type: nope"),
        ({"case_types": []}, 422, "case_types"),
        ({"cases_per_type": 11}, 422, "cases_per_type"),
        ({"level": "high"}, 422, "level"),
        ({"members": []}, 422, "members"),
        ({"members": [dan.employee_number]}, 400, dan.employee_number),
        ({"seed": 5}, 422, "seed"),  # cases are drawn from the set's secret: no seed to set
    ]
    for body, status, named in cases:
        response = patch(client, headers, set_id, body)
        assert response.status_code == status, (body, response.text)
        assert named in response.json()["detail"], (body, response.text)
    practice_set = sets.load_set(session, set_id)
    session.refresh(practice_set)
    assert (practice_set.name, practice_set.case_types, len(practice_set.members)) == (
        "Week 1",
        ["privacy"],
        1,
    )
    assert (
        client.patch("/api/v1/practice/sets/999999", json={"name": "x"}, headers=headers).status_code == 404
    )
    assert client.delete("/api/v1/practice/sets/999999", headers=headers).status_code == 404
    forged = client.patch(f"/api/v1/practice/sets/{set_id}", json={"name": "x"})
    assert forged.status_code == 403


def test_only_the_owner_or_an_admin_may_change_or_delete(client: TestClient, session: Session) -> None:
    set_id = make_set(session)
    for who in ("psr_alice", "sup_carl", "outsider_dan"):
        headers = signed_in(client, who)
        assert patch(client, headers, set_id, {"name": "mine"}).status_code == 403, who
        assert client.delete(f"/api/v1/practice/sets/{set_id}", headers=headers).status_code == 403, who
    # Another trainer's set: Tina may not touch it, on the API or the pages.
    tom = User(email="trainer_tom@pathways.example", name="Tom", account_role=AccountRole.TRAINER)
    session.add(tom)
    session.flush()
    session.get_one(PracticeSet, set_id).created_by_user_id = tom.id
    session.flush()
    with pytest.raises(Forbidden, match="another trainer"):
        editing.update_set(session, user(session, "trainer_tina"), set_id, editing.SetChanges(name="x"))
    headers = signed_in(client, "trainer_tina")
    assert patch(client, headers, set_id, {"name": "mine"}).status_code == 403
    assert client.delete(f"/api/v1/practice/sets/{set_id}", headers=headers).status_code == 403
    assert client.get(f"/practice/trainer/sets/{set_id}/edit").status_code == 403
    token = page_csrf(client, "/practice/trainer")
    assert (
        client.post(f"/practice/trainer/sets/{set_id}/delete", data={"csrf_token": token}).status_code == 403
    )
    headers = signed_in(client, "admin_ada")
    assert patch(client, headers, set_id, {"name": "Renamed by admin"}).json()["name"] == "Renamed by admin"
    assert client.delete(f"/api/v1/practice/sets/{set_id}", headers=headers).status_code == 204
    assert session.get(PracticeSet, set_id) is None


def test_a_set_with_attempts_is_never_deleted_and_keeps_its_passes(
    client: TestClient, session: Session
) -> None:
    alice = employee(session, "psr_alice")
    set_id = make_set(session)
    pass_case(session, alice.id, set_id, "privacy")  # the only case: Alice passes the set
    evidence = (
        select(func.count())
        .select_from(PracticeSetMember)
        .where(PracticeSetMember.set_id == set_id, PracticeSetMember.passed_on.is_not(None))
    )
    attempts = select(func.count()).select_from(PracticeAttempt).where(PracticeAttempt.set_id == set_id)
    before = (session.scalar(evidence), session.scalar(attempts))
    assert before[0] and before[1] == 1
    headers = signed_in(client, "trainer_tina")
    refused = client.delete(f"/api/v1/practice/sets/{set_id}", headers=headers)
    assert refused.status_code == 409
    assert "1 learner has 1 attempt" in refused.json()["detail"]
    assert (session.scalar(evidence), session.scalar(attempts)) == before
    assert client.get(f"/api/v1/practice/sets/{set_id}").status_code == 200
    page = client.post(
        f"/practice/trainer/sets/{set_id}/delete", data={"csrf_token": headers["X-CSRF-Token"]}
    )
    assert page.status_code == 409 and 'role="alert"' in page.text and "cannot be deleted" in page.text
    assert (session.scalar(evidence), session.scalar(attempts)) == before


def test_an_unstarted_set_is_deleted_with_its_members_and_audited(
    client: TestClient, session: Session
) -> None:
    set_id = make_set(session)
    headers = signed_in(client, "trainer_tina")
    assert client.delete(f"/api/v1/practice/sets/{set_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/practice/sets/{set_id}").status_code == 404
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "practice-set.delete")).one()
    assert entry.entity_id == set_id and entry.before and entry.before["name"] == "Week 1"


def test_the_edit_pages(client: TestClient, session: Session) -> None:
    alice = employee(session, "psr_alice")
    set_id = make_set(session)
    sign_in(client, "trainer_tina")
    edit = f"/practice/trainer/sets/{set_id}/edit"
    assert f'href="{edit}"' in client.get(f"/practice/trainer/sets/{set_id}").text
    page = client.get(edit)
    assert page.status_code == 200 and 'name="plan" value="1"' in page.text and "Delete “Week 1”" in page.text
    token = page_csrf(client, edit)
    form = {"csrf_token": token, "name": "Week 1b", "plan": "1", "cases_per_type": "2"}
    form |= {"level": "2", "case_types": ["privacy", "abn"], "members": [alice.employee_number]}
    saved = client.post(edit, data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/practice/trainer/sets/{set_id}"
    assert "Week 1b" in client.get(saved.headers["location"]).text
    blank = client.post(edit, data=form | {"name": ""})
    assert blank.status_code == 400 and 'role="alert"' in blank.text and "name" in blank.text
    assert client.post(edit, data={k: v for k, v in form.items() if k != "csrf_token"}).status_code == 403
    # Once Alice has worked a case, the plan is shown as fixed and she cannot be taken off.
    pass_case(session, alice.id, set_id, "privacy")
    locked = client.get(edit)
    assert 'name="plan"' not in locked.text and "its cases are fixed" in locked.text
    assert "1 attempt(s), stays" in locked.text and "cannot be deleted" in locked.text
    stale = client.post(edit, data=form | {"level": "3", "name": "Week 1c"})  # a form opened before
    assert stale.status_code == 409 and "its level cannot change" in stale.text
    locked_form = {k: v for k, v in form.items() if k not in ("plan", "level")} | {"name": "Week 1c"}
    assert client.post(edit, data=locked_form, follow_redirects=False).status_code == 303
    assert (session.get_one(PracticeSet, set_id).level, session.get_one(PracticeSet, set_id).name) == (
        2,
        "Week 1c",
    )
    removed = client.post(
        edit,
        data={"csrf_token": token, "name": "Week 1c", "members": [other_candidate(session).employee_number]},
    )
    assert removed.status_code == 409 and alice.name in removed.text


def test_deleting_from_the_page(client: TestClient, session: Session) -> None:
    set_id = make_set(session)
    sign_in(client, "trainer_tina")
    token = page_csrf(client, f"/practice/trainer/sets/{set_id}/edit")
    gone = client.post(
        f"/practice/trainer/sets/{set_id}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/practice/trainer"
    assert client.get(f"/practice/trainer/sets/{set_id}").status_code == 404
    assert client.post(f"/practice/trainer/sets/{set_id}/delete", data={}).status_code == 403
