"""Every tracker route, for every kind of account, on a real tracker: refused when anonymous, never a 5xx."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from tests.helpers import counting_statements, page_csrf, sign_in

ACCOUNTS = ["psr_alice", "lead_bea", "sup_carl", "trainer_tina", "admin_ada", "outsider_dan"]


def walk(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from walk(route.original_router.routes)


def tracker_routes() -> list[tuple[str, str]]:
    found = {
        (method, r.path)
        for r in walk(create_app().routes)
        for method in r.methods - {"HEAD"}
        if "/trackers" in r.path
    }
    # Deleting goes last, so every other route meets a live tracker.
    return sorted(found, key=lambda route: (route[1].endswith("/delete"), route[1], route[0]))


ROUTES = tracker_routes()


def alice_tracker(client: TestClient) -> tuple[int, int]:
    sign_in(client, "psr_alice")
    csrf = {"X-CSRF-Token": page_csrf(client)}
    tracker = client.post("/api/v1/me/trackers", json={"role": "psr-2"}, headers=csrf).json()
    body = {"goals": [{"text": "A goal"}], "plan": [{"course": "REV-201", "quarter": "2027-Q1"}]}
    patched = client.patch(f"/api/v1/trackers/{tracker['id']}", json=body, headers=csrf).json()
    client.cookies.clear()
    return tracker["id"], patched["goals"][0]["id"]


def fill(path: str, tracker_id: int, goal_id: int) -> str:
    values = {
        "tracker_id": str(tracker_id),
        "goal_id": str(goal_id),
        "code": "REV-201",
        "conversation_id": "1",
    }
    return re.sub(r"{([^}]+)}", lambda m: values[m.group(1)], path)


def test_the_walk_found_the_tracker_routes() -> None:
    assert ("POST", "/api/v1/trackers/{tracker_id}/import") in ROUTES and len(ROUTES) > 20


def test_anonymous_callers_are_refused_everywhere(client: TestClient) -> None:
    tracker_id, goal_id = alice_tracker(client)
    for method, path in ROUTES:
        status = client.request(method, fill(path, tracker_id, goal_id), follow_redirects=False).status_code
        allowed = (401, 403) if path.startswith("/api/") else (303, 401, 403)
        assert status in allowed, (method, path, status)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_account_meets_a_server_error(client: TestClient, account: str) -> None:
    tracker_id, goal_id = alice_tracker(client)
    sign_in(client, account)
    csrf = page_csrf(client)
    failures = []
    for method, path in ROUTES:
        response = client.request(
            method, fill(path, tracker_id, goal_id), headers={"X-CSRF-Token": csrf}, follow_redirects=False
        )
        if response.status_code >= 500:
            failures.append(f"{method} {path}: {response.status_code}")
    assert failures == []


def test_the_trackers_page_query_count_does_not_grow_with_trackers(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "psr_alice")
    counts = []
    for role in ("psr-2", "billing-specialist", "psr-2-site-lead"):
        csrf = page_csrf(client, "/trackers")
        assert (
            client.post(
                "/trackers", data={"role": role, "csrf_token": csrf}, follow_redirects=False
            ).status_code
            == 303
        )
        with counting_statements(session) as statements:
            assert client.get("/trackers").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_tracker_page_query_count_does_not_grow_with_planned_courses(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "psr_alice")
    csrf = page_csrf(client, "/trackers")
    started = client.post("/trackers", data={"role": "psr-2", "csrf_token": csrf}, follow_redirects=False)
    tracker_path = started.headers["location"].split("?")[0].split("#")[0]
    counts: dict[str, list[int]] = {"tracker": [], "trackers": []}
    for course in (None, "COMM-110", "LAB-110", "REV-201", "EHR-201"):
        if course:
            added = client.post(
                f"{tracker_path}/courses",
                data={"course": course, "quarter": "2027-Q1", "csrf_token": csrf},
                follow_redirects=False,
            )
            assert added.status_code == 303, added.text
        for name, path in (("tracker", tracker_path), ("trackers", "/trackers")):
            with counting_statements(session) as statements:
                assert client.get(path).status_code == 200
            counts[name].append(len(statements))
    # An empty plan skips a few lookups (nothing to check prerequisites of); from the first course on, the
    # count stays the same however many courses are planned.
    assert len(set(counts["tracker"][1:])) == 1 and len(set(counts["trackers"][1:])) == 1, counts
    assert counts["tracker"][0] <= counts["tracker"][1], counts
