"""Completions from statements meet the CSV import's rules; what fails them is stored, listed, and resolved by
admins, who map the person or course the statement named."""

import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.learning import imports
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee
from pathways.xapi.models import XapiCompletionRejection, XapiMapping, XapiStatement
from tests.helpers import counting_statements, page_csrf, sign_in
from tests.xapi.conftest import COMPLETED, VOIDED, Lrs, statement

STRANGER = {"mbox": "mailto:a.moreno@lms-old.example"}


def at(day: dt.date) -> str:
    return f"{day.isoformat()}T09:30:00Z"


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@pytest.fixture
def alice(session: Session) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()


@pytest.fixture
def courses(session: Session, alice: Employee) -> list[Course]:
    # Courses Alice has no completion of in the demo, so a new one is always "recorded".
    done = select(Completion.course_id).where(Completion.employee_id == alice.id)
    return list(session.scalars(select(Course).where(Course.id.not_in(done)).order_by(Course.code).limit(3)))


def report(course: Course | str, actor: dict[str, Any], day: dt.date) -> dict[str, Any]:
    s = statement(COMPLETED, course if isinstance(course, str) else course.lms_id, timestamp=at(day))
    s["actor"] = actor
    return s


def rejections(session: Session) -> dict[str, XapiCompletionRejection]:
    session.expire_all()
    return {r.statement_id: r for r in session.scalars(select(XapiCompletionRejection))}


def completions_of(session: Session, employee: Employee) -> list[Completion]:
    session.expire_all()
    # Only what the LRS recorded: the demo gives people completions of their own.
    query = select(Completion).where(Completion.employee_id == employee.id, Completion.source == "xapi")
    return list(session.scalars(query))


def admin(client: TestClient) -> dict[str, str]:
    sign_in(client, "admin_ada")
    return {"X-CSRF-Token": page_csrf(client)}


def test_future_and_pre_hire_statements_are_stored_answered_200_and_listed_with_the_csv_reason(
    lrs: Lrs, session: Session, alice: Employee, courses: list[Course]
) -> None:
    me = {"mbox": f"mailto:{alice.email}"}
    future = report(courses[0], me, utc_today() + dt.timedelta(days=3))
    before_hire = report(courses[1], me, alice.hire_date - dt.timedelta(days=10))
    assert lrs.post([future, before_hire]).status_code == 200
    assert lrs.get({"statementId": future["id"]}).status_code == 200  # stored as a statement all the same
    assert completions_of(session, alice) == []
    found = rejections(session)
    assert found[future["id"]].reason_code == "future"
    assert found[before_hire["id"]].reason_code == "before_hire"
    # The same rule, and the same words, as the CSV import of the same dates.
    csv = "employee,course,completed_at\n" + "".join(
        f"{alice.email},{course.code},{day.isoformat()}\n"
        for course, day in (
            (courses[0], utc_today() + dt.timedelta(days=3)),
            (courses[1], alice.hire_date - dt.timedelta(days=10)),
        )
    )
    report_csv = imports.run_import(session, io.BytesIO(csv.encode()), today=utc_today(), dry_run=True)
    csv_reasons = [r.reason for r in report_csv.rejections]
    assert [r.removeprefix("completed_at ") for r in csv_reasons] == [
        found[future["id"]].reason.removeprefix("timestamp "),
        found[before_hire["id"]].reason.removeprefix("timestamp "),
    ]
    assert found[before_hire["id"]].employee_id == alice.id


def test_unknown_people_and_courses_are_listed_with_what_the_statement_named(
    lrs: Lrs, session: Session, alice: Employee, courses: list[Course]
) -> None:
    stranger = report(courses[0], STRANGER, utc_today())
    nowhere = report(
        "https://lms.pathways.example/activities/NOPE-9", {"mbox": f"mailto:{alice.email}"}, utc_today()
    )
    assert lrs.post([stranger, nowhere]).status_code == 200
    found = rejections(session)
    assert found[stranger["id"]].reason_code == "unknown_person"
    assert found[stranger["id"]].actor_key == f"mbox:{STRANGER['mbox']}"
    assert found[stranger["id"]].course_id == courses[0].id
    assert found[nowhere["id"]].reason_code == "unknown_course"
    assert found[nowhere["id"]].activity_id == "https://lms.pathways.example/activities/NOPE-9"


def test_the_rejections_api_pages_them_newest_first_for_admins_only(
    lrs: Lrs, client: TestClient, courses: list[Course]
) -> None:
    posted = [report(course, STRANGER, utc_today()) for course in courses]
    for s in posted:
        lrs.post(s)
    admin(client)
    first = client.get("/api/v1/xapi/rejections", params={"limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 0
    assert [i["statement_id"] for i in page["items"]] == [posted[2]["id"], posted[1]["id"]]
    assert page["items"][0]["reason_code"] == "unknown_person"
    rest = client.get("/api/v1/xapi/rejections", params={"limit": 2, "offset": 2}).json()
    assert [i["statement_id"] for i in rest["items"]] == [posted[0]["id"]]
    assert client.get("/api/v1/xapi/rejections", params={"status": "resolved"}).json()["total"] == 0
    assert client.get("/api/v1/xapi/rejections", params={"status": "sideways"}).status_code == 400
    client.cookies.clear()
    sign_in(client, "sup_carl")
    assert client.get("/api/v1/xapi/rejections").status_code == 403


def test_mapping_the_person_applies_the_statement_and_settles_the_others_naming_them(
    lrs: Lrs, client: TestClient, session: Session, alice: Employee, courses: list[Course]
) -> None:
    first, second = (report(course, STRANGER, utc_today() - dt.timedelta(days=2)) for course in courses[:2])
    lrs.post([first, second])
    headers = admin(client)
    target = rejections(session)[first["id"]].id
    applied = client.post(
        f"/api/v1/xapi/rejections/{target}/apply", json={"employee": alice.email}, headers=headers
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["rejection"]["resolution"] == "recorded"
    assert applied.json()["others_resolved"] == 1
    assert {c.source_ref for c in completions_of(session, alice)} == {first["id"], second["id"]}
    assert all(r.resolved_at is not None for r in rejections(session).values())
    # The mapping stays: the next statement from the same LMS identity is a completion at once.
    later = report(courses[2], STRANGER, utc_today())
    lrs.post(later)
    assert (
        session.scalar(select(XapiStatement.bridge_note).where(XapiStatement.statement_id == later["id"]))
        == "recorded"
    )
    assert later["id"] not in rejections(session)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "xapi.completion.apply"))
    assert entry is not None and entry.after["others_resolved"] == 1  # type: ignore[index]


def test_mapping_the_course_applies_the_statement(
    lrs: Lrs, client: TestClient, session: Session, alice: Employee, courses: list[Course]
) -> None:
    activity = "https://lms-old.example/activities/phlebotomy-basics"
    s = report(activity, {"mbox": f"mailto:{alice.email}"}, utc_today())
    lrs.post(s)
    headers = admin(client)
    target = rejections(session)[s["id"]].id
    applied = client.post(
        f"/api/v1/xapi/rejections/{target}/apply", json={"course": courses[1].code.lower()}, headers=headers
    )
    assert applied.status_code == 200, applied.text
    [completion] = completions_of(session, alice)
    assert completion.course_id == courses[1].id and completion.source_ref == s["id"]


def test_applying_what_still_breaks_a_rule_changes_nothing(
    lrs: Lrs, client: TestClient, session: Session, alice: Employee, courses: list[Course]
) -> None:
    s = report(courses[0], STRANGER, alice.hire_date - dt.timedelta(days=30))
    lrs.post(s)
    headers = admin(client)
    target = rejections(session)[s["id"]].id
    refused = client.post(
        f"/api/v1/xapi/rejections/{target}/apply", json={"employee": alice.employee_number}, headers=headers
    )
    assert refused.status_code == 400
    assert (
        "before the hire date" in refused.json()["detail"]
        and "Nothing was changed" in refused.json()["detail"]
    )
    assert session.scalar(select(func.count()).select_from(XapiMapping)) == 0
    rejection = rejections(session)[s["id"]]
    assert rejection.resolved_at is None and rejection.reason_code == "unknown_person"
    assert completions_of(session, alice) == []
    unknown = client.post(
        f"/api/v1/xapi/rejections/{target}/apply",
        json={"employee": "nobody@nowhere.example"},
        headers=headers,
    )
    assert unknown.status_code == 400 and "no employee" in unknown.json()["detail"]
    assert client.post("/api/v1/xapi/rejections/999999/apply", json={}, headers=headers).status_code == 404


def test_a_resolved_rejection_cannot_be_applied_twice(
    lrs: Lrs, client: TestClient, session: Session, alice: Employee, courses: list[Course]
) -> None:
    s = report(courses[0], STRANGER, utc_today())
    lrs.post(s)
    headers = admin(client)
    target = rejections(session)[s["id"]].id
    body = {"employee": alice.email}
    assert (
        client.post(f"/api/v1/xapi/rejections/{target}/apply", json=body, headers=headers).status_code == 200
    )
    again = client.post(f"/api/v1/xapi/rejections/{target}/apply", json=body, headers=headers)
    assert again.status_code == 409
    assert len(completions_of(session, alice)) == 1


def test_voiding_closes_an_open_rejection_and_withdraws_an_applied_completion(
    lrs: Lrs, client: TestClient, session: Session, alice: Employee, courses: list[Course]
) -> None:
    open_one, applied_one = (report(course, STRANGER, utc_today()) for course in courses[:2])
    lrs.post([open_one])
    lrs.post(statement(VOIDED, object={"objectType": "StatementRef", "id": open_one["id"]}))
    assert rejections(session)[open_one["id"]].resolution.startswith("voided")  # type: ignore[union-attr]
    lrs.post(applied_one)
    headers = admin(client)
    target = rejections(session)[applied_one["id"]].id
    assert (
        client.post(
            f"/api/v1/xapi/rejections/{target}/apply", json={"employee": alice.email}, headers=headers
        ).status_code
        == 200
    )
    assert len(completions_of(session, alice)) == 1
    lrs.post(statement(VOIDED, object={"objectType": "StatementRef", "id": applied_one["id"]}))
    assert completions_of(session, alice) == []


def test_the_admin_page_lists_them_and_applies_through_its_form(
    lrs: Lrs, client: TestClient, session: Session, alice: Employee, courses: list[Course]
) -> None:
    s = report(courses[0], STRANGER, utc_today())
    lrs.post(s)
    admin(client)
    page = client.get("/admin/lrs/rejections")
    assert page.status_code == 200
    assert STRANGER["mbox"] in page.text and "names no known employee" in page.text
    target = rejections(session)[s["id"]].id
    form = {"csrf_token": page_csrf(client, "/admin/lrs/rejections"), "employee": "nobody@nowhere.example"}
    refused = client.post(f"/admin/lrs/rejections/{target}/apply", data=form, follow_redirects=False)
    assert refused.status_code == 303 and "error=" in refused.headers["location"]
    assert "no employee with email or number" in client.get(refused.headers["location"]).text
    form["employee"] = alice.email
    done = client.post(f"/admin/lrs/rejections/{target}/apply", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("done=1")
    assert len(completions_of(session, alice)) == 1
    assert "1 completion resolved" in client.get(done.headers["location"]).text
    assert "review them" not in client.get("/admin/lrs").text  # nothing left open


@pytest.mark.parametrize("who", ["psr_alice", "sup_carl", "trainer_tina"])
def test_the_review_page_is_for_admins_only(client: TestClient, who: str) -> None:
    sign_in(client, who)
    assert client.get("/admin/lrs/rejections").status_code == 403


def test_a_batch_of_rejected_statements_costs_the_same_queries_whatever_its_size(
    lrs: Lrs, session: Session, alice: Employee, courses: list[Course]
) -> None:
    def batch(size: int) -> list[dict[str, Any]]:
        return [
            report(courses[0], {"mbox": f"mailto:s{i}@lms-old.example"}, utc_today()) for i in range(size)
        ]

    small, large = batch(2), batch(40)
    assert lrs.get({"limit": "1"}).status_code == 200  # the credentials are checked once, then cached
    counts = []
    for statements in (small, large):
        with counting_statements(session) as seen:
            assert lrs.post(statements).status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]
    assert len(rejections(session)) == 42
