"""GET /api/v1/compliance (the team compliance view as JSON), the page's pagination, and the confirmations
API: scope, filters, sorting, paging and bad input."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.learning import compliance
from pathways.learning.models import CompletionClaim
from tests.helpers import page_csrf, sign_in
from tests.learning_plans.conftest import TODAY, person, user


def everything(client: TestClient, query: str, limit: int) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    offset = 0
    while True:
        body = client.get(f"/api/v1/compliance?{query}&limit={limit}&offset={offset}").json()
        assert body["limit"] == limit and body["offset"] == offset
        items += body["items"]
        offset += limit
        if offset >= body["total"]:
            assert len(items) == body["total"]
            return items


def test_pages_add_up_to_the_view_in_the_same_order(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    first = client.get("/api/v1/compliance?show=open&sort=employee&order=asc&limit=3").json()
    assert first["show"] == "open" and first["sort"] == "employee" and first["order"] == "asc"
    assert first["total"] > 3 and len(first["items"]) == 3 and first["today"] == TODAY.isoformat()
    items = everything(client, "show=open&sort=employee&order=asc", 3)
    rows = compliance.team_compliance(
        session, user(session, "sup_carl"), TODAY, show="open", sort="employee", order="asc"
    )
    assert [(i["employee"]["id"], i["course"]) for i in items] == [
        (r.employee_id, r.course_code) for r in rows
    ]
    item = items[0]
    assert set(item) == {
        "employee", "site", "role", "course", "course_title", "due_on", "days_overdue", "status", "why",
        "expires_on",
    }  # fmt: skip


@pytest.mark.parametrize("who", ["sup_carl", "lead_bea", "trainer_tina"])
def test_people_out_of_scope_are_never_listed(client: TestClient, session: Session, who: str) -> None:
    sign_in(client, who)
    items = everything(client, "show=open", 50)
    ids = {i["employee"]["id"] for i in items}
    assert ids and person(session, "outsider_dan").id not in ids
    assert user(session, who).employee_id not in ids  # their own plan is on /learning


def test_defaults_are_the_pages(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    body = client.get("/api/v1/compliance").json()
    assert (body["show"], body["sort"], body["order"]) == ("overdue", "overdue", "desc")
    assert body["limit"] == compliance.PAGE_SIZE and body["offset"] == 0
    overdue = [i["days_overdue"] for i in body["items"]]
    assert overdue == sorted(overdue, reverse=True) and all(d > 0 for d in overdue)


def test_an_offset_past_the_end_is_an_empty_page(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    body = client.get("/api/v1/compliance?show=open&offset=100000").json()
    assert body["items"] == [] and body["total"] > 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("show=late", "Unknown show 'late'"),
        ("sort=salary", "Unknown sort 'salary'"),
        ("order=up", "Unknown order 'up'"),
        ("order=sideways", "order"),
    ],
)
def test_bad_input_names_what_is_wrong(client: TestClient, query: str, message: str) -> None:
    sign_in(client, "sup_carl")
    response = client.get(f"/api/v1/compliance?{query}")
    assert response.status_code == 422 and message in response.json()["detail"]


def test_employees_and_anonymous_callers_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/compliance").status_code == 401
    sign_in(client, "psr_alice")
    refused = client.get("/api/v1/compliance")
    assert refused.status_code == 403 and "for supervisors" in refused.json()["detail"]


# ---------------------------------------------------------------- the page, one page at a time
def test_the_page_is_paginated(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compliance, "PAGE_SIZE", 2)
    sign_in(client, "admin_ada")
    first = client.get("/learning/team?show=open&sort=employee&order=asc")
    assert first.status_code == 200 and "Page 1 of" in first.text and 'rel="next"' in first.text
    assert 'rel="prev"' not in first.text and "(showing 1 to 2)" in first.text
    second = client.get("/learning/team?show=open&sort=employee&order=asc&page=2")
    assert "Page 2 of" in second.text and 'rel="prev"' in second.text and "(showing 3 to 4)" in second.text
    assert "page=3" in second.text and "sort=employee&amp;order=asc" in second.text
    beyond = client.get("/learning/team?show=open&page=999999")
    assert beyond.status_code == 200 and 'rel="next"' not in beyond.text  # the last page
    assert client.get("/learning/team?page=0").status_code == 422


def test_a_small_scope_has_no_pager(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/learning/team?show=open")
    assert page.status_code == 200 and "Page 1 of" not in page.text


# ---------------------------------------------------------------- completions awaiting confirmation
def claim_psr_110(client: TestClient, session: Session) -> CompletionClaim:
    sign_in(client, "psr_alice")
    marked = client.post(
        "/api/v1/completions",
        json={"course": "PSR-110", "completed_at": TODAY.isoformat()},
        headers={"X-CSRF-Token": page_csrf(client)},
    )
    assert marked.json()["outcome"] == "awaiting confirmation"
    claim = session.scalar(select(CompletionClaim).where(CompletionClaim.id == marked.json()["claim_id"]))
    assert claim is not None
    client.cookies.clear()
    return claim


def test_the_supervisor_lists_and_confirms(client: TestClient, session: Session) -> None:
    claim = claim_psr_110(client, session)
    sign_in(client, "sup_carl")
    body = client.get("/api/v1/completion-claims").json()
    assert body["total"] == 1 and body["offset"] == 0
    [item] = body["items"]
    assert item["id"] == claim.id and item["course"] == "PSR-110"
    assert item["employee"]["name"] == "Alice Moreno" and item["completed_at"] == TODAY.isoformat()
    token = page_csrf(client)
    done = client.post(f"/api/v1/completion-claims/{claim.id}/confirm", headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json() == {"id": claim.id, "state": "confirmed", "note": ""}
    again = client.post(f"/api/v1/completion-claims/{claim.id}/confirm", headers={"X-CSRF-Token": token})
    assert again.status_code == 409 and "already confirmed" in again.json()["detail"]
    assert client.get("/api/v1/completion-claims").json()["total"] == 0


def test_rejecting_needs_a_note(client: TestClient, session: Session) -> None:
    claim = claim_psr_110(client, session)
    sign_in(client, "sup_carl")
    headers = {"X-CSRF-Token": page_csrf(client)}
    url = f"/api/v1/completion-claims/{claim.id}/reject"
    empty = client.post(url, json={"note": ""}, headers=headers)
    assert empty.status_code == 422 and "note" in empty.json()["detail"]
    assert client.post(url, json={"note": "   "}, headers=headers).status_code == 400
    rejected = client.post(url, json={"note": "No certificate in the LMS"}, headers=headers)
    assert rejected.json() == {"id": claim.id, "state": "rejected", "note": "No certificate in the LMS"}


@pytest.mark.parametrize("who", ["outsider_dan", "psr_alice", "lead_bea"])
def test_others_neither_see_nor_decide(client: TestClient, session: Session, who: str) -> None:
    claim = claim_psr_110(client, session)
    sign_in(client, who)
    assert client.get("/api/v1/completion-claims").json() == {
        "total": 0,
        "limit": 100,
        "offset": 0,
        "items": [],
    }
    denied = client.post(
        f"/api/v1/completion-claims/{claim.id}/confirm", headers={"X-CSRF-Token": page_csrf(client)}
    )
    # Alice and her site lead may see her but not decide: 403. Dan, outside her scope, is told nothing: 404,
    # as for a claim that does not exist, so probing ids reveals no one's name.
    assert denied.status_code == (404 if who == "outsider_dan" else 403) and claim.state == "pending"
    assert "Alice" not in denied.text or who != "outsider_dan"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/completion-claims/999999/confirm", 404),
        ("/api/v1/completion-claims/0/confirm", 422),
        ("/api/v1/completion-claims/99999999999/confirm", 422),
        ("/api/v1/completion-claims/abc/confirm", 422),
    ],
)
def test_bad_claim_ids(client: TestClient, path: str, status: int) -> None:
    sign_in(client, "sup_carl")
    response = client.post(path, headers={"X-CSRF-Token": page_csrf(client)})
    assert response.status_code == status and response.json()["detail"]
    assert client.get("/api/v1/completion-claims?limit=0").status_code == 422
