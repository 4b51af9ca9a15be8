"""Completions recorded by the CSV import earn their course badges in the same transaction (award_many, a
fixed number of queries a batch), checked through the public verify endpoint as anyone would."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.badges.models import Badge
from pathways.org.models import Employee
from tests.helpers import counting_statements, page_csrf, sign_in
from tests.learning_plans.conftest import TODAY, person

DAY = (TODAY - dt.timedelta(days=5)).isoformat()


def badge(session: Session, employee_id: int, key: str) -> Badge | None:
    session.expire_all()
    return session.scalar(select(Badge).where(Badge.employee_id == employee_id, Badge.achievement_key == key))


def verified(client: TestClient, held: Badge) -> str:
    answer = client.get(f"/api/v1/badges/verify?id=urn:uuid:{held.uuid}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["outcome"])


def import_csv(client: TestClient, csv: str, *, dry_run: bool = False) -> dict:
    response = client.post(
        f"/api/v1/completions/import{'?dry_run=true' if dry_run else ''}",
        headers={"X-CSRF-Token": page_csrf(client)},
        files={"file": ("lms.csv", csv, "text/csv")},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_import_issues_the_course_badges_it_earns(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    csv = f"employee,course,completed_at,score\n{alice.email},COMM-110,{DAY},91\n"
    sign_in(client, "admin_ada")
    assert import_csv(client, csv, dry_run=True)["new"] == 1
    assert badge(session, alice.id, "course:COMM-110") is None  # a dry run issues nothing

    assert import_csv(client, csv)["new"] == 1
    held = badge(session, alice.id, "course:COMM-110")
    assert held is not None and held.credential_jwt
    client.cookies.clear()
    assert verified(client, held) == "valid"

    # The same file again records nothing and issues nothing more.
    sign_in(client, "admin_ada")
    assert import_csv(client, csv)["known"] == 1
    session.expire_all()
    keys = session.scalars(select(Badge.achievement_key).where(Badge.employee_id == alice.id))
    assert list(keys).count("course:COMM-110") == 1


def test_badges_for_many_people_cost_the_same_queries_as_for_few(
    client: TestClient, session: Session
) -> None:
    people = list(session.scalars(select(Employee).order_by(Employee.id).limit(24)))
    assert len(people) == 24
    sign_in(client, "admin_ada")
    import_csv(client, f"employee,course,completed_at,score\n{people[0].email},COMM-120,{DAY},\n")  # warm-up
    counts = []
    for group in (people[1:3], people[3:24]):
        csv = "employee,course,completed_at,score\n" + "".join(f"{p.email},COMM-120,{DAY},\n" for p in group)
        with counting_statements(session) as seen:
            import_csv(client, csv)
        counts.append(len(seen))
        for p in group:
            assert badge(session, p.id, "course:COMM-120") is not None, p.email
    assert counts[0] == counts[1]
