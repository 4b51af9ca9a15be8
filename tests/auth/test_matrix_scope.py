"""Every route that names one person's records refuses someone outside that person's scope, whatever its
method: generated from the route table, with real records of Alice's behind every sample id.

The samples are proved real: for each such GET route someone in scope gets it (200, or 409 for the score
of an attempt still open), so an outsider's 404 means
"not yours", not "no such thing". Refusals must not echo Alice's data, and nothing the outsider tried changes
her records.
"""

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from pathways.inbox import service as inbox
from pathways.learning.models import Assignment, CompletionClaim, Course
from pathways.org.models import Employee
from pathways.practice.models import PracticeAttempt, PracticeSet
from pathways.trackers.models import CareerTracker, TrackerGoal
from tests.auth.test_matrix import ROUTES, fill, samples
from tests.helpers import page_csrf, sign_in

# Path parameters that name a person or something of theirs.
PERSONAL = {"employee_id", "id", "manager_id", "tracker_id", "goal_id", "attempt_id", "set_id",
            "assignment_id", "claim_id", "notification_id"}  # fmt: skip
IN_SCOPE = ("psr_alice", "sup_carl", "trainer_tina", "admin_ada")
PERSONAL_ROUTES = [
    (method, path)
    for method, path in ROUTES
    if PERSONAL & set(re.findall(r"{([^}:]+)", path)) and not path.startswith("/admin/")
]


def _as(client: TestClient, who: str) -> dict[str, str]:
    client.cookies.clear()
    sign_in(client, who)
    return {"X-CSRF-Token": page_csrf(client)}


def _ok(response: object) -> dict:  # type: ignore[type-arg]
    status = response.status_code  # type: ignore[attr-defined]
    assert status in (200, 201), response.text  # type: ignore[attr-defined]
    return response.json()  # type: ignore[attr-defined,no-any-return]


def alices_records(client: TestClient, session: Session) -> dict[str, str]:
    """Alice's tracker with a goal, an assignment, a pending completion claim, a practice attempt, a practice
    set she is in and an inbox message: made through the API, as people would."""
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()
    carl = session.scalar(select(Employee.id).where(Employee.email == "sup_carl@pathways.example"))
    today = dt.date.today()
    headers = _as(client, "trainer_tina")
    _ok(client.post("/api/v1/assignments", headers=headers, json={
        "course": "COMM-110", "target": {"type": "employee", "code": alice.email},
        "due_on": (today + dt.timedelta(days=30)).isoformat(), "reason": "matrix"}))  # fmt: skip
    practice_set = _ok(client.post("/api/v1/practice/sets", headers=headers, json={
        "name": "Matrix cohort", "case_types": ["booking"], "cases_per_type": 1, "level": 1,
        "members": [alice.employee_number]}))  # fmt: skip
    headers = _as(client, "psr_alice")
    tracker = _ok(client.post("/api/v1/me/trackers", headers=headers, json={"role": "psr-2"}))
    goals = _ok(client.patch(f"/api/v1/trackers/{tracker['id']}", headers=headers,
                             json={"goals": [{"text": "Shadow the site lead"}]}))["goals"]  # fmt: skip
    required = session.scalar(select(Course.code).where(Course.code == "PSR-120"))
    _ok(client.post("/api/v1/completions", headers=headers,
                    json={"course": required, "completed_at": today.isoformat()}))  # fmt: skip
    attempt = _ok(client.post("/api/v1/practice/attempts", headers=headers, json={"case_type": "booking"}))
    user_id = session.scalar(select(User.id).where(User.employee_id == alice.id))
    assert user_id is not None
    notification = inbox.notify_user(session, user_id, "test", "For Alice only", "/")
    session.flush()
    claim = session.scalar(select(CompletionClaim.id).where(CompletionClaim.employee_id == alice.id))
    assignment = session.scalar(select(Assignment.id).where(Assignment.employee_id == alice.id))
    assert claim and assignment, "the setup must leave a claim and an assignment to try"
    client.cookies.clear()
    return samples(session) | {
        "employee_id": str(alice.id), "id": str(alice.id), "manager_id": str(carl),
        "tracker_id": str(tracker["id"]), "goal_id": str(goals[0]["id"]), "attempt_id": str(attempt["id"]),
        "set_id": str(practice_set["id"]), "assignment_id": str(assignment), "claim_id": str(claim),
        "notification_id": str(notification.id),
    }  # fmt: skip


def test_personal_routes_are_many_and_found_from_the_route_table() -> None:
    assert len(PERSONAL_ROUTES) > 60, len(PERSONAL_ROUTES)


def test_every_personal_route_refuses_an_outsider(client: TestClient, session: Session) -> None:
    values = alices_records(client, session)
    reachable = {}
    for who in IN_SCOPE:
        _as(client, who)
        for method, path in PERSONAL_ROUTES:
            # 409: found, but not in that state yet (the score of an attempt still open); found all the same.
            if method == "GET" and client.get(fill(path, values), follow_redirects=False).status_code in (
                200,
                409,
            ):
                reachable[path] = who
    unproved = [p for m, p in PERSONAL_ROUTES if m == "GET" and p not in reachable]
    assert unproved == [], "no one in scope could open these with the samples: they prove nothing"

    headers = _as(client, "outsider_dan")
    leaks = []
    for method, path in PERSONAL_ROUTES:
        response = client.request(method, fill(path, values), headers=headers, follow_redirects=False)
        # A write with no body may be turned away for its input first (400, 422): refused all the same, and
        # the checks below prove it changed nothing.
        allowed = (403, 404) if method == "GET" else (400, 403, 404, 422)
        if response.status_code not in allowed or "Alice Moreno" in response.text:
            leaks.append(f"{method} {path}: {response.status_code}")
    assert leaks == []

    session.expire_all()
    assert session.get(CareerTracker, int(values["tracker_id"])) is not None
    goals = session.scalars(
        select(TrackerGoal.text).where(TrackerGoal.tracker_id == int(values["tracker_id"]))
    )
    assert list(goals) == ["Shadow the site lead"]
    assignment = session.get(Assignment, int(values["assignment_id"]))
    assert assignment is not None and assignment.state == "open"
    claim = session.get(CompletionClaim, int(values["claim_id"]))
    assert claim is not None and claim.state == "pending"
    attempt = session.get(PracticeAttempt, int(values["attempt_id"]))
    assert attempt is not None and attempt.finished_at is None
    assert session.get(PracticeSet, int(values["set_id"])) is not None
