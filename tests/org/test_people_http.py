"""Importing people in the browser (preview, then apply; CSRF) and through the API (admins only)."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.org.models import Employee, PeopleImport
from tests.helpers import page_csrf, sign_in
from tests.org.people_files import feed, new_row, person, row_of, run


def sample(session: Session) -> bytes:
    carl = person(session, "sup_carl")
    return feed(
        new_row("N1", carl.employee_number),
        row_of(session, person(session, "psr_alice"), job_role="psr-2"),
        new_row("N2", job_role="astronaut"),
    )


def employees(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Employee)) or 0


def test_preview_then_apply_in_the_browser(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    page = client.get("/admin/people/import")
    assert page.status_code == 200 and "employee_number,email,name" in page.text
    token = page_csrf(client)
    before = employees(session)
    preview = client.post(
        "/admin/people/import",
        data={"csrf_token": token},
        files={"file": ("hr.csv", sample(session), "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    text = preview.text
    assert "People import preview: hr.csv" in text
    assert "3 rows: 1 created, 0 updated, 1 moved, 0 deactivated, 0 unchanged, 1 rejected" in text
    assert "job_role &#39;astronaut&#39; is not a job role in Pathways" in text
    assert "role psr-1 → psr-2" in text and "Apply: 2 changes" in text
    assert "Also deactivate the" in text  # the rest of the demo organisation is missing from this file
    assert employees(session) == before
    stored = session.scalar(select(PeopleImport))
    assert stored is not None and stored.applied_at is None
    refused = client.post(f"/admin/people/import/{stored.id}/apply", data={})
    assert refused.status_code == 403 and employees(session) == before  # no CSRF token
    applied = client.post(f"/admin/people/import/{stored.id}/apply", data={"csrf_token": token})
    assert applied.status_code == 200 and "People import applied" in applied.text
    assert employees(session) == before + 1
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "people.import")) is not None
    twice = client.post(f"/admin/people/import/{stored.id}/apply", data={"csrf_token": token})
    assert twice.status_code == 409 and "already applied" in twice.text
    # The move shows on Alice's page.
    alice = person(session, "psr_alice")
    page = client.get(f"/team/people/{alice.id}")
    assert "History" in page.text and "Job role: PSR I → PSR II" in page.text and "HR feed" in page.text


def test_the_upload_needs_csrf_and_an_admin(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    no_token = client.post("/admin/people/import", files={"file": ("hr.csv", sample(session), "text/csv")})
    assert no_token.status_code == 403
    bad = client.post(
        "/admin/people/import",
        data={"csrf_token": page_csrf(client)},
        files={"file": ("e.csv", b"", "text/csv")},
    )
    assert bad.status_code == 400 and "The file is empty" in bad.text
    client.cookies.clear()
    sign_in(client, "sup_carl")
    assert client.get("/admin/people/import").status_code == 403
    token = page_csrf(client)
    files = {"file": ("hr.csv", sample(session), "text/csv")}
    assert client.post("/admin/people/import", data={"csrf_token": token}, files=files).status_code == 403
    assert session.scalar(select(PeopleImport)) is None


def test_the_api_imports_for_admins_only(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    token = page_csrf(client)
    headers = {"X-CSRF-Token": token}
    files = {"file": ("hr.csv", sample(session), "text/csv")}
    before = employees(session)
    dry = client.post("/api/v1/people/import?dry_run=true", files=files, headers=headers)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["created"], body["moved"], body["rejected"], body["dry_run"]) == (1, 1, 1, True)
    assert body["rejections"][0]["row"] == 4 and "astronaut" in body["rejections"][0]["reason"]
    assert employees(session) == before
    applied = client.post("/api/v1/people/import", files=files, headers=headers).json()
    assert applied["created"] == 1 and employees(session) == before + 1
    again = client.post("/api/v1/people/import", files=files, headers=headers).json()
    assert (again["created"], again["moved"], again["unchanged"]) == (0, 0, 2)
    client.cookies.clear()
    sign_in(client, "psr_alice")
    refused = client.post("/api/v1/people/import", files=files, headers={"X-CSRF-Token": page_csrf(client)})
    assert refused.status_code == 403 and "Only administrators can import people" in refused.json()["detail"]


def left_manager_file() -> bytes:
    return feed(new_row("N1", status="terminated"), new_row("N2", "N1"))


WARNING = (
    "manager_number 'N1' has left (terminated); this person reports to them until they get a current manager"
)


def test_the_preview_lists_a_manager_who_has_left_under_warnings(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "admin_ada")
    token = page_csrf(client)
    preview = client.post(
        "/admin/people/import",
        data={"csrf_token": token},
        files={"file": ("hr.csv", left_manager_file(), "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    assert "Warnings (1)" in preview.text and "These rows will be applied" in preview.text
    escaped = WARNING.replace("'", "&#39;")
    assert f'<td class="num">3</td><td>{escaped}</td>' in preview.text
    assert "Apply: 2 changes" in preview.text
    stored = session.scalar(select(PeopleImport))
    assert stored is not None
    applied = client.post(f"/admin/people/import/{stored.id}/apply", data={"csrf_token": token})
    assert applied.status_code == 200 and "Warnings (1)" in applied.text and "were applied" in applied.text
    n2 = session.scalar(select(Employee).where(Employee.employee_number == "N2"))
    assert n2 is not None and n2.status == "active"


def test_the_api_answers_a_manager_who_has_left_as_a_warning(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    headers = {"X-CSRF-Token": page_csrf(client)}
    files = {"file": ("hr.csv", left_manager_file(), "text/csv")}
    body = client.post("/api/v1/people/import", files=files, headers=headers).json()
    assert (body["created"], body["rejected"], body["warned"]) == (2, 0, 1), body
    assert body["warnings"] == [{"row": 3, "message": WARNING}] and body["rejections"] == []
    n2 = session.scalar(select(Employee).where(Employee.employee_number == "N2"))
    assert n2 is not None and n2.manager_id is not None


def test_a_leaver_is_signed_out_everywhere_at_once(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    assert client.get("/learning", follow_redirects=False).status_code == 200
    run(session, feed(row_of(session, person(session, "psr_alice"), status="terminated")))
    gone = client.get("/learning", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
