"""Competency ratings: the supervisor's and the employee's own side by side; history; audit; who sees them."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.competencies import ratings
from pathways.competencies.evidence import levels_for
from pathways.competencies.models import CompetencyRating
from pathways.competencies.ratings import RatingInput
from pathways.errors import BadRequest, Forbidden
from pathways.inbox.models import Notification
from tests.helpers import page_csrf, sign_in
from tests.teams.support import person, user


def test_a_supervisor_rating_is_kept_as_history_audited_and_counts(session: Session) -> None:
    alice, carl = person(session, "psr_alice"), user(session, "sup_carl")
    ratings.rate(session, carl, alice, [RatingInput("composure", 2, "Steady at the desk")])
    ratings.rate(session, carl, alice, [RatingInput("composure", 3, "Calm on a very busy Monday")])
    rows = list(session.scalars(select(CompetencyRating).where(CompetencyRating.employee_id == alice.id)))
    assert [(r.kind, r.level) for r in rows] == [("manager", 2), ("manager", 3)]
    assert levels_for(session, alice.id)["composure"].level == 3
    audits = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "rating.manager")))
    assert len(audits) == 2 and audits[-1].after is not None and audits[-1].after["level"] == 3
    assert audits[-1].before is not None and audits[-1].before["current_level"] == 2
    alice_account = user(session, "psr_alice")
    assert (
        session.scalar(
            select(Notification).where(
                Notification.user_id == alice_account.id, Notification.kind == "rating"
            )
        )
        is not None
    )


def test_self_and_manager_ratings_side_by_side(session: Session) -> None:
    alice = person(session, "psr_alice")
    ratings.rate(session, user(session, "psr_alice"), alice, [RatingInput("listening", 4, "I listen well")])
    ratings.rate(
        session, user(session, "sup_carl"), alice, [RatingInput("listening", 2, "Interrupts at times")]
    )
    view = ratings.ratings_view(session, alice)
    row = next(r for r in view.rows if r.code == "listening")
    assert (row.self_level, row.manager_level, row.current, row.differs) == (4, 2, 2, True)
    assert row.self_note == "I listen well" and row.manager_note == "Interrupts at times"
    assert [h.kind for h in view.history] == ["manager", "self"]  # newest first


@pytest.mark.parametrize(
    ("who", "kind", "message"),
    [
        ("lead_bea", "manager", "reporting line"),  # a site lead never rates
        ("trainer_tina", "manager", "reporting line"),
        ("outsider_dan", "manager", "reporting line"),
        ("sup_carl", "self", "themselves"),
    ],
)
def test_who_may_not_rate(session: Session, who: str, kind: str, message: str) -> None:
    with pytest.raises(Forbidden, match=message):
        ratings.rate(
            session, user(session, who), person(session, "psr_alice"), [RatingInput("listening", 2)], kind
        )


def test_an_employee_cannot_give_themselves_a_manager_rating(session: Session) -> None:
    alice = person(session, "psr_alice")
    with pytest.raises(Forbidden):
        ratings.rate(session, user(session, "psr_alice"), alice, [RatingInput("listening", 4)], "manager")


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ([RatingInput("no-such-skill", 2)], "No competency"),
        ([RatingInput("listening", 5)], "between 0 and 4"),
        ([RatingInput("listening", 1), RatingInput("listening", 2)], "once per save"),
        ([], "at least one"),
    ],
)
def test_bad_ratings_change_nothing(session: Session, inputs: list[RatingInput], message: str) -> None:
    alice = person(session, "psr_alice")
    with pytest.raises(BadRequest, match=message):
        ratings.rate(session, user(session, "sup_carl"), alice, inputs)
    assert session.scalar(select(CompetencyRating.id).where(CompetencyRating.employee_id == alice.id)) is None


def test_rating_api_and_pages(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "sup_carl")
    csrf = page_csrf(client)
    body = {"ratings": [{"competency": "composure", "level": 3, "note": "Steady"}]}
    made = client.post(f"/api/v1/employees/{alice.id}/ratings", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    row = next(r for r in made.json()["competencies"] if r["competency"] == "composure")
    assert row["manager_level"] == 3 and row["self_level"] is None
    assert (
        client.get(f"/api/v1/employees/{alice.id}/ratings").json()["history"][0]["rated_by"]
        == "Carl Lindqvist"
    )
    bad = client.post(
        f"/api/v1/employees/{alice.id}/ratings",
        json={"ratings": [{"competency": "composure", "level": 9}]},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422 and "level" in bad.json()["detail"]
    page = client.get(f"/team/people/{alice.id}/ratings")
    assert page.status_code == 200 and "Rate Alice Moreno" in page.text and "Steady" in page.text
    form = client.post(
        f"/team/people/{alice.id}/ratings",
        data={"csrf_token": csrf, "level-listening": "2", "note-listening": "Good"},
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert levels_for(session, alice.id)["listening"].level == 2


def test_employee_self_rates_and_sees_the_supervisor_rating_beside_it(
    client: TestClient, session: Session
) -> None:
    alice = person(session, "psr_alice")
    ratings.rate(session, user(session, "sup_carl"), alice, [RatingInput("composure", 2, "Keep practising")])
    sign_in(client, "psr_alice")
    csrf = page_csrf(client)
    saved = client.post(
        "/ratings",
        data={"csrf_token": csrf, "level-composure": "4", "note-composure": "I am calm"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get("/ratings?saved=1")
    assert "Rate yourself" in page.text and "Keep practising" in page.text and "I am calm" in page.text
    assert 'class="diff"' in page.text  # 4 against 2: the difference is highlighted
    api = client.post(
        f"/api/v1/employees/{alice.id}/ratings",
        json={"ratings": [{"competency": "listening", "level": 3}]},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 201
    assert next(r for r in api.json()["competencies"] if r["competency"] == "listening")["self_level"] == 3
    bad_form = client.post("/ratings", data={"csrf_token": csrf, "level-composure": "seven"})
    assert bad_form.status_code == 400


def test_ratings_are_out_of_reach_for_site_leads_trainers_and_outsiders(
    client: TestClient, session: Session
) -> None:
    alice = person(session, "psr_alice")
    for who in ("lead_bea", "trainer_tina", "outsider_dan"):
        client.cookies.clear()
        sign_in(client, who)
        assert client.get(f"/api/v1/employees/{alice.id}/ratings").status_code == 403, who
        assert client.get(f"/team/people/{alice.id}/ratings").status_code == 403, who
        post = client.post(
            f"/api/v1/employees/{alice.id}/ratings",
            json={"ratings": [{"competency": "listening", "level": 1}]},
            headers={"X-CSRF-Token": page_csrf(client)},
        )
        assert post.status_code == 403, who
    client.cookies.clear()
    assert client.get(f"/api/v1/employees/{alice.id}/ratings").status_code == 401
    assert client.get("/ratings", follow_redirects=False).status_code == 303


def test_admin_without_an_employee_record_has_no_own_ratings_page(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    page = client.get("/ratings")
    assert page.status_code == 400 and "not linked to an employee record" in page.text
