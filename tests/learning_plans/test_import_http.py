"""Importing completions in the browser (preview, then apply) and through the API."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.learning.imports import MAX_UPLOAD_BYTES
from pathways.learning.models import Completion, CompletionImport
from tests.helpers import page_csrf, sign_in
from tests.learning_plans.conftest import TODAY, person

DAY = (TODAY - dt.timedelta(days=5)).isoformat()


def sample(session: Session) -> str:
    alice = person(session, "psr_alice")
    return (
        "employee,course,completed_at,score\n"
        f"{alice.email},COMM-110,{DAY},91\n"
        f"{alice.employee_number},COMM-120,{DAY},\n"
        f"nobody@example.com,COMM-110,{DAY},50\n"
        f'"=HYPERLINK(""http://evil"")",COMM-110,{DAY},\n'
    )


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Completion)) or 0


def test_preview_then_apply_in_the_browser(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    assert client.get("/learning/completions/import").status_code == 200
    token = page_csrf(client)
    before = count(session)
    preview = client.post(
        "/learning/completions/import",
        data={"csrf_token": token},
        files={"file": ("lms.csv", sample(session), "text/csv")},
    )
    assert preview.status_code == 200
    text = preview.text
    assert "Import preview: lms.csv" in text and "4 rows: 2 to record, 0 already known, 2 rejected" in text
    assert "no employee with email or number &#39;nobody@example.com&#39;" in text
    assert "looks like a spreadsheet formula; it was not evaluated" in text
    assert "Apply: record 2 completions" in text
    assert count(session) == before
    stored = session.scalar(select(CompletionImport))
    assert stored is not None and stored.applied_at is None
    applied = client.post(f"/learning/completions/import/{stored.id}/apply", data={"csrf_token": token})
    assert applied.status_code == 200 and "Import applied" in applied.text
    assert count(session) == before + 2 and stored.content is None and stored.applied_at is not None
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "completions.import")) is not None
    twice = client.post(f"/learning/completions/import/{stored.id}/apply", data={"csrf_token": token})
    assert twice.status_code == 409 and "already applied" in twice.text
    # The same file again: nothing new to record.
    again = client.post(
        "/learning/completions/import",
        data={"csrf_token": token},
        files={"file": ("lms.csv", sample(session), "text/csv")},
    )
    assert "0 to record, 2 already known" in again.text and "nothing new to record" in again.text


def test_bad_files_in_the_browser(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    token = page_csrf(client)
    empty = client.post(
        "/learning/completions/import",
        data={"csrf_token": token},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert empty.status_code == 400 and "The file is empty" in empty.text
    latin = client.post(
        "/learning/completions/import",
        data={"csrf_token": token},
        files={"file": ("l.csv", b"employee,course,completed_at,score\nJos\xe9,A,2026-01-01,\n", "text/csv")},
    )
    assert latin.status_code == 400 and "not UTF-8" in latin.text
    huge = client.post(
        "/learning/completions/import",
        data={"csrf_token": token},
        files={"file": ("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "text/csv")},
    )
    assert huge.status_code == 413 and "the browser import takes files up to 10 MB" in huge.text
    assert session.scalar(select(func.count()).select_from(CompletionImport)) == 0


def test_only_admins_import(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    assert client.get("/learning/completions/import").status_code == 403
    token = page_csrf(client)
    response = client.post(
        "/api/v1/completions/import",
        headers={"X-CSRF-Token": token},
        files={"file": ("lms.csv", sample(session), "text/csv")},
    )
    assert (
        response.status_code == 403
        and response.json()["detail"] == "Only administrators can import completions."
    )


def test_api_import_dry_run_then_apply(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    headers = {"X-CSRF-Token": page_csrf(client)}
    before = count(session)
    dry = client.post(
        "/api/v1/completions/import?dry_run=true",
        headers=headers,
        files={"file": ("lms.csv", sample(session), "text/csv")},
    )
    assert dry.status_code == 200
    body = dry.json()
    assert (body["dry_run"], body["rows"], body["new"], body["known"], body["rejected"]) == (True, 4, 2, 0, 2)
    assert [r["row"] for r in body["rejections"]] == [4, 5]
    assert count(session) == before
    applied = client.post(
        "/api/v1/completions/import",
        headers=headers,
        files={"file": ("lms.csv", sample(session), "text/csv")},
    ).json()
    assert (applied["dry_run"], applied["new"]) == (False, 2)
    again = client.post(
        "/api/v1/completions/import",
        headers=headers,
        files={"file": ("lms.csv", sample(session), "text/csv")},
    ).json()
    assert (again["new"], again["known"]) == (0, 2)
    assert count(session) == before + 2
    header = client.post(
        "/api/v1/completions/import", headers=headers, files={"file": ("x.csv", b"who,what\n", "text/csv")}
    )
    assert (
        header.status_code == 400
        and "The header row must be employee,course,completed_at,score" in header.json()["detail"]
    )
    missing = client.post("/api/v1/completions/import", headers=headers)
    assert missing.status_code == 422


def test_applying_again_after_an_interrupted_apply_finishes_it(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    token = page_csrf(client)
    before = count(session)
    preview = client.post(
        "/learning/completions/import",
        data={"csrf_token": token},
        files={"file": ("lms.csv", sample(session), "text/csv")},
    )
    assert preview.status_code == 200
    stored = session.scalar(select(CompletionImport))
    assert stored is not None
    # As an apply cut off after its first batch leaves it: that batch's row recorded, the run noted.
    alice = person(session, "psr_alice")
    client.post(
        "/api/v1/completions",
        json={"employee_id": alice.id, "course": "COMM-110", "completed_at": DAY, "score": 91},
        headers={"X-CSRF-Token": token},
    )
    stored.started_at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    stored.rows_done, stored.recorded = 2, 1
    session.flush()
    applied = client.post(f"/learning/completions/import/{stored.id}/apply", data={"csrf_token": token})
    assert applied.status_code == 200
    assert "An earlier import of this file, started 2026-12-01 09:30 UTC, stopped after 2 rows" in (
        applied.text
    )
    assert "4 rows: 1 recorded, 1 already known, 2 rejected" in applied.text
    assert count(session) == before + 2
    session.refresh(stored)
    assert stored.applied_at is not None and stored.recorded == 2 and stored.content is None
