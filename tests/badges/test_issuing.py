"""Badges are issued where an achievement is recorded, once per person and achievement, and the credential is
an Open Badges 3.0 credential (checked against the required-field schema with the jsonschema package)."""

import base64
import datetime as dt
import json

import jsonschema
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from starlette.testclient import TestClient

from pathways.badges import service
from pathways.badges.models import Badge
from pathways.careers.models import Role
from pathways.competencies.models import CompetencyRating
from pathways.learning.models import Completion
from tests.badges.conftest import course_not_completed_by, person
from tests.badges.ob3_required_fields import OPEN_BADGE_CREDENTIAL
from tests.helpers import page_csrf, sign_in


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def badge_count(session: Session, employee_id: int, key: str) -> int:
    query = select(func.count()).where(Badge.employee_id == employee_id, Badge.achievement_key == key)
    return session.scalar(query) or 0


def test_recording_a_completion_issues_its_badge_in_the_same_request(
    client: TestClient, session: Session
) -> None:
    alice = person(session, "psr_alice")
    course = course_not_completed_by(session, alice.id)
    sign_in(client, "sup_carl")
    csrf = page_csrf(client)
    body = {"employee_id": alice.id, "course": course.code, "completed_at": dt.date.today().isoformat()}
    response = client.post("/api/v1/completions", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.text
    assert badge_count(session, alice.id, f"course:{course.code}") == 1

    # The same completion again, and a sweep: still one badge for the course.
    assert client.post("/api/v1/completions", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    client.cookies.clear()
    sign_in(client, "psr_alice")
    mine = client.get("/api/v1/me/badges").json()
    assert [b["name"] for b in mine].count(course.title) == 1
    assert badge_count(session, alice.id, f"course:{course.code}") == 1


def test_awarding_twice_issues_nothing_new(session: Session, how: service.Issuing) -> None:
    alice = person(session, "psr_alice")
    first = service.award_earned(session, how, alice.id)
    assert first, "the demo gives Alice completions and levels: she has earned something"
    assert {b.kind for b in first} >= {"course", "level"}
    assert service.award_earned(session, how, alice.id) == []
    keys = list(session.scalars(select(Badge.achievement_key).where(Badge.employee_id == alice.id)))
    assert len(keys) == len(set(keys)) == len(first)


def test_a_manager_rating_earns_a_level_badge_and_a_self_rating_does_not(
    client: TestClient, session: Session
) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "psr_alice")
    csrf = page_csrf(client)
    rate = {"kind": "self", "ratings": [{"competency": "composure", "level": 4, "note": ""}]}
    response = client.post(f"/api/v1/employees/{alice.id}/ratings", json=rate, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    assert badge_count(session, alice.id, "level:composure:4") == 0

    client.cookies.clear()
    sign_in(client, "sup_carl")
    csrf = page_csrf(client)
    rate = {"kind": "manager", "ratings": [{"competency": "composure", "level": 3, "note": "Leads huddles"}]}
    response = client.post(f"/api/v1/employees/{alice.id}/ratings", json=rate, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201, response.text
    assert badge_count(session, alice.id, "level:composure:3") == 1


def test_issued_credentials_meet_the_ob3_required_fields(session: Session, how: service.Issuing) -> None:
    badges = service.award_earned(session, how, person(session, "psr_alice").id)
    for badge in badges:
        credential = payload(badge.credential_jwt)
        jsonschema.Draft202012Validator(OPEN_BADGE_CREDENTIAL).validate(credential)
        assert credential["credentialSubject"]["achievement"]["achievementType"] in ("Course", "Competency")
        assert credential["credentialStatus"]["statusListIndex"] == str(badge.id - 1)


def test_the_schema_check_catches_a_credential_missing_required_fields(
    session: Session, how: service.Issuing
) -> None:
    badge = service.award_earned(session, how, person(session, "psr_alice").id)[0]
    credential = payload(badge.credential_jwt)
    del credential["credentialSubject"]["achievement"]["criteria"]
    errors = list(jsonschema.Draft202012Validator(OPEN_BADGE_CREDENTIAL).iter_errors(credential))
    assert any("criteria" in error.message for error in errors)


def test_holding_every_requirement_of_a_role_earns_its_badge(session: Session, how: service.Issuing) -> None:
    alice = person(session, "psr_alice")
    role = session.scalar(
        select(Role)
        .options(selectinload(Role.requirements), selectinload(Role.required_courses))
        .where(Role.code == "psr-2")
    )
    assert role is not None and role.requirements
    service.award_earned(session, how, alice.id)
    assert badge_count(session, alice.id, "role:psr-2") == 0, "the demo's Alice is not ready for PSR II"

    # Every level but one, on a manager's rating: still no role badge.
    requirements = list(role.requirements)
    for requirement in requirements[:-1]:
        session.add(
            CompetencyRating(
                employee_id=alice.id,
                competency_id=requirement.competency_id,
                kind="manager",
                level=requirement.level,
            )
        )
    for course in role.required_courses:
        session.add(
            Completion(
                employee_id=alice.id,
                course_id=course.id,
                completed_at=dt.date.today(),
                score=None,
                source="manual",
            )
        )
    session.flush()
    service.award_earned(session, how, alice.id)
    assert badge_count(session, alice.id, "role:psr-2") == 0

    last = requirements[-1]
    # A self-rating of the last one does not count...
    session.add(
        CompetencyRating(employee_id=alice.id, competency_id=last.competency_id, kind="self", level=4)
    )
    session.flush()
    service.award_earned(session, how, alice.id)
    assert badge_count(session, alice.id, "role:psr-2") == 0
    # ...a manager's does.
    session.add(
        CompetencyRating(
            employee_id=alice.id, competency_id=last.competency_id, kind="manager", level=last.level
        )
    )
    session.flush()
    issued = service.award_earned(session, how, alice.id)
    roles = [b for b in issued if b.kind == "role"]
    assert [b.achievement_key for b in roles if b.achievement_key == "role:psr-2"] == ["role:psr-2"]
    credential = payload(roles[0].credential_jwt)
    jsonschema.Draft202012Validator(OPEN_BADGE_CREDENTIAL).validate(credential)
