"""The desk pages over HTTP: forms without JavaScript, errors shown on the page, trainer pages."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from pathways.org.models import Employee
from pathways.practice import sets
from pathways.practice.cases import kind_for
from tests.helpers import counting_statements, page_csrf, sign_in


def start_form(client: TestClient, case_type: str, **extra: str) -> str:
    token = page_csrf(client, "/practice")
    response = client.post(
        "/practice/attempts",
        data={"csrf_token": token, "case_type": case_type, **extra},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/practice", "/practice/trainer", "/practice/attempts/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_desk_home_lists_every_case_type(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/practice")
    assert page.status_code == 200
    assert page.text.count('name="case_type"') == 14
    assert "/static/practice.css" in page.text
    assert "<h1>Practice desk</h1>" in page.text


def test_search_then_register_through_forms(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    desk = start_form(client, "registration-new")
    page = client.get(desk)
    assert page.status_code == 200
    assert 'aria-label="ID card"' in page.text and "Patient search" in page.text
    assert 'name="csrf_token" value=""' not in page.text  # every desk form carries the session's token
    attempt_id = int(desk.rsplit("/", 1)[1])
    seed = int(re.search(r"Case number (\d+)", page.text).group(1))  # type: ignore[union-attr]
    case = kind_for("registration-new").generate(seed)
    token = page_csrf(client, desk)
    fields = case.answer["fields"]
    searched = client.post(
        f"/practice/attempts/{attempt_id}/act",
        data={"csrf_token": token, "action": "search", "last_name": fields["last"]},
        follow_redirects=True,
    )
    assert searched.status_code == 200 and "Search results" in searched.text
    form = {
        "csrf_token": token,
        "action": "register",
        "finish": "1",
        **{k: v for k, v in fields.items() if v},
    }
    form |= {"mode": case.answer["mode"], "mrn": case.answer["mrn"] or ""}
    done = client.post(f"/practice/attempts/{attempt_id}/act", data=form, follow_redirects=True)
    assert done.status_code == 200
    assert "Result: 100 / 100, passed" in done.text
    assert "Replay this case step by step" in done.text


def test_bad_form_input_is_shown_on_the_desk_and_changes_nothing(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    desk = start_form(client, "cost-sharing")
    attempt_id = desk.rsplit("/", 1)[1]
    token = page_csrf(client, desk)
    response = client.post(
        f"/practice/attempts/{attempt_id}/act",
        data={
            "csrf_token": token,
            "action": "answer",
            "deductible_part": "lots",
            "visit_amount": "1",
            "total_due": "1",
            "explanation": "rules",
        },
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "deductible_part" in response.text
    assert "No actions yet." in response.text
    unknown = client.post(f"/practice/attempts/{attempt_id}/act", data={"csrf_token": token, "action": "x"})
    assert unknown.status_code == 400
    forged = client.post(f"/practice/attempts/{attempt_id}/act", data={"action": "answer"})
    assert forged.status_code == 403


def test_booking_grid_radio_books_a_slot(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    desk = start_form(client, "booking")
    page = client.get(desk)
    assert 'class="schedule"' in page.text and 'name="slot"' in page.text
    attempt_id = desk.rsplit("/", 1)[1]
    seed = int(re.search(r"Case number (\d+)", page.text).group(1))  # type: ignore[union-attr]
    case = kind_for("booking").generate(seed)
    best = case.answer["earliest"]
    slot = f"{best['provider']}|{best['day']}|{best['start']}"
    assert f'value="{slot}"' in page.text
    done = client.post(
        f"/practice/attempts/{attempt_id}/act",
        data={
            "csrf_token": page_csrf(client, desk),
            "action": "book",
            "finish": "1",
            "slot": slot,
            "visit_type": case.answer["visit_type"],
        },
        follow_redirects=True,
    )
    assert "Result: 100 / 100, passed" in done.text


def test_replay_steps_through_the_actions(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    desk = start_form(client, "order-of-draw")
    attempt_id = desk.rsplit("/", 1)[1]
    token = page_csrf(client, desk)
    client.post(
        f"/practice/attempts/{attempt_id}/act",
        data={"csrf_token": token, "action": "draw", "tubes": ["gold-sst", "light-blue"]},
    )
    client.post(f"/practice/attempts/{attempt_id}/finish", data={"csrf_token": token})
    first = client.get(f"/practice/attempts/{attempt_id}/replay?step=0")
    assert first.status_code == 200 and "Step 0 of 1" in first.text
    step = client.get(f"/practice/attempts/{attempt_id}/replay?step=1")
    assert "gold-sst, light-blue" in step.text and "sev-critical" in step.text
    assert client.get(f"/practice/attempts/{attempt_id}/replay?step=x").status_code == 422
    client.cookies.clear()
    sign_in(client, "outsider_dan")
    assert client.get(f"/practice/attempts/{attempt_id}/replay").status_code == 403


def test_trainer_builds_a_set_and_sees_results(client: TestClient) -> None:
    sign_in(client, "trainer_tina")
    page = client.get("/practice/trainer")
    assert page.status_code == 200 and "New practice set" in page.text
    alice = re.search(r'name="members" value="([^"]+)">\s*<label[^>]*>Alice Moreno', page.text)
    assert alice
    token = page_csrf(client, "/practice/trainer")
    missing = client.post(
        "/practice/trainer/sets",
        data={"csrf_token": token, "name": "Week 1", "cases_per_type": "1", "level": "2"},
    )
    assert missing.status_code == 400 and "case_types" in missing.text
    created = client.post(
        "/practice/trainer/sets",
        data={
            "csrf_token": token,
            "name": "Week 1",
            "cases_per_type": "1",
            "level": "2",
            "case_types": ["payment", "privacy"],
            "members": [alice.group(1)],
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    results = client.get(created.headers["location"])
    assert results.status_code == 200
    assert (
        "By learner" in results.text
        and "Alice Moreno" in results.text
        and "Take the payment #1" in results.text
    )
    client.cookies.clear()
    sign_in(client, "psr_alice")
    assert client.get("/practice/trainer").status_code == 403
    home = client.get("/practice")
    assert "Week 1" in home.text and 'name="set_id"' in home.text
    assert client.get(created.headers["location"]).status_code == 403


def test_desk_home_query_count_does_not_grow_with_assigned_sets(client: TestClient, session: Session) -> None:
    tina = session.scalars(select(User).where(User.email == "trainer_tina@pathways.example")).one()
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()

    def assign(count: int) -> None:
        for number in range(count):
            data = sets.NewSet(
                name=f"Set {number}",
                case_types=["privacy", "abn"],
                cases_per_type=2,
                level=1,
                members=[alice.employee_number],
            )
            sets.create_set(session, tina, data)
        session.flush()

    def queries() -> int:
        with counting_statements(session) as statements:
            assert client.get("/practice").status_code == 200
        return len(statements)

    sign_in(client, "psr_alice")
    assign(1)
    one = queries()
    assign(3)
    assert queries() == one


def test_a_trainer_views_a_cohort_members_desk_read_only(client: TestClient, session: Session) -> None:
    tina = session.scalars(select(User).where(User.email == "trainer_tina@pathways.example")).one()
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()
    data = sets.NewSet(
        name="Cohort",
        case_types=["payment"],
        cases_per_type=1,
        level=1,
        members=[alice.employee_number],
    )
    set_id = sets.create_set(session, tina, data).id
    sign_in(client, "psr_alice")
    desk = start_form(client, "payment", set_id=str(set_id), index="0")
    assert "Post the payment" in client.get(desk).text
    client.cookies.clear()
    sign_in(client, "trainer_tina")
    page = client.get(desk)
    assert page.status_code == 200 and "Alice Moreno" in page.text
    assert "Post the payment" not in page.text and "Finish and score" not in page.text
