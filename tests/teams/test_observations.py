"""Coaching observations: written by the site lead (or the reporting line), counted as evidence, audited."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.competencies import observations
from pathways.competencies.evidence import levels_for
from pathways.competencies.models import Observation
from pathways.errors import BadRequest, Forbidden, NotFound
from tests.helpers import page_csrf, sign_in
from tests.teams.support import TODAY, person, user


def _observe(session: Session, who: str, **overrides: object) -> Observation:
    values: dict[str, object] = {
        "competency_code": "phlebotomy",
        "level": 4,
        "note": "Found a rolling vein calmly",
        "observed_on": TODAY,
        "today": TODAY,
    }
    values.update(overrides)
    return observations.observe(session, user(session, who), person(session, "psr_alice"), **values)  # type: ignore[arg-type]


def test_a_site_lead_observation_becomes_evidence(session: Session) -> None:
    made = _observe(session, "lead_bea")
    current = levels_for(session, person(session, "psr_alice").id)["phlebotomy"]
    assert current.level == 4 and current.basis == "evidence"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "observation.create"))
    assert entry is not None and entry.entity_id == made.id


@pytest.mark.parametrize("who", ["trainer_tina", "outsider_dan", "psr_alice", "sup_sam"])
def test_others_may_not_write_observations(session: Session, who: str) -> None:
    with pytest.raises(Forbidden):
        _observe(session, who)


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"competency_code": "juggling"}, NotFound, "No competency"),
        ({"note": "   "}, BadRequest, "short note"),
        ({"level": 0}, BadRequest, "between 1 and 4"),
        ({"observed_on": TODAY + dt.timedelta(days=1)}, BadRequest, "future"),
        ({"observed_on": TODAY - dt.timedelta(days=400)}, BadRequest, "twelve months"),
    ],
)
def test_bad_observations_are_refused(
    session: Session, overrides: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        _observe(session, "lead_bea", **overrides)


def test_observation_api_and_form(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "lead_bea")
    csrf = page_csrf(client)
    body = {"employee_id": alice.id, "competency": "composure", "level": 3, "note": "Settled a crying child"}
    made = client.post("/api/v1/observations", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201
    assert made.json()["employee"]["name"] == "Alice Moreno" and made.json()["observed_by"] == "Bea Tanaka"
    listed = client.get(f"/api/v1/observations?employee_id={alice.id}").json()
    assert [o["competency"] for o in listed] == ["composure"]
    form = client.post(
        f"/team/people/{alice.id}/observations",
        data={
            "csrf_token": csrf,
            "competency": "listening",
            "level": "2",
            "note": "Restated the patient's question",
        },
        follow_redirects=False,
    )
    assert form.status_code == 303
    page = client.get(f"/team/people/{alice.id}?done=observed")
    assert "Restated the patient" in page.text and "counts as evidence" in page.text
    assert (
        client.post(
            "/api/v1/observations", json={**body, "level": 7}, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 422
    )
    bad_date = client.post(
        f"/team/people/{alice.id}/observations",
        data={
            "csrf_token": csrf,
            "competency": "listening",
            "level": "2",
            "note": "x",
            "observed_on": "yesterday",
        },
    )
    assert bad_date.status_code == 400


def test_observations_out_of_scope(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "outsider_dan")
    csrf = page_csrf(client)
    body = {"employee_id": alice.id, "competency": "composure", "level": 3, "note": "x"}
    assert client.post("/api/v1/observations", json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    assert client.get(f"/api/v1/observations?employee_id={alice.id}").status_code == 403
    assert client.get("/api/v1/observations").status_code == 200  # their own, none
