"""The audit log browser and GET /api/v1/audit: filters, shape, admins only; nothing can change an entry."""

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.admin import audit_log
from pathways.audit import service as audit
from pathways.audit.models import AuditEntry
from pathways.competencies import ratings
from pathways.errors import Forbidden
from tests.helpers import page_csrf, sign_in
from tests.teams.support import person, user


def _some_entries(session: Session) -> None:
    alice = person(session, "psr_alice")
    ratings.rate(session, user(session, "sup_carl"), alice, [ratings.RatingInput("composure", 3, "Steady")])
    ratings.rate(session, user(session, "psr_alice"), alice, [ratings.RatingInput("composure", 4, "")])
    audit.record(
        session,
        actor_user_id=None,
        action="content.update",
        entity="roles",
        entity_id=None,
        before={"key": "psr-2"},
        after={"key": "psr-2"},
    )


def test_filters(session: Session) -> None:
    _some_entries(session)
    total, rows = audit_log.browse(session, audit_log.AuditQuery(action="rating."))
    assert total == 2 and {r.entry.action for r in rows} == {"rating.manager", "rating.self"}
    total, rows = audit_log.browse(session, audit_log.AuditQuery(actor="sup_carl@pathways.example"))
    assert total == 1 and rows[0].actor.startswith("Carl Lindqvist")
    total, rows = audit_log.browse(session, audit_log.AuditQuery(entity="roles"))
    assert total == 1 and rows[0].actor == "the system"
    today = dt.date.today()
    assert audit_log.browse(session, audit_log.AuditQuery(since=today + dt.timedelta(days=2)))[0] == 0
    assert audit_log.browse(session, audit_log.AuditQuery(until=today + dt.timedelta(days=1)))[0] == 3
    with pytest.raises(audit_log.InvalidAuditQuery):
        audit_log.browse(session, audit_log.AuditQuery(since=today, until=today - dt.timedelta(days=1)))


def test_page_and_api(client: TestClient, session: Session) -> None:
    _some_entries(session)
    sign_in(client, "admin_ada")
    page = client.get("/admin/audit?action=rating.manager")
    assert page.status_code == 200 and "rating.manager" in page.text and "Carl Lindqvist" in page.text
    body = client.get("/api/v1/audit?action=rating.&limit=1").json()
    assert body["total"] == 2 and len(body["entries"]) == 1 and body["limit"] == 1
    entry = body["entries"][0]
    assert {"at", "actor", "action", "entity", "before", "after"} <= set(entry)
    assert client.get("/api/v1/audit?limit=0").status_code == 422
    assert client.get("/api/v1/audit?since=yesterday").status_code == 422
    assert client.get("/api/v1/audit?since=2026-02-01&until=2026-01-01").status_code == 422
    assert client.get("/admin/audit?since=2026-02-01&until=2026-01-01").status_code == 422


def test_only_admins_browse_and_no_route_changes_an_entry(client: TestClient, session: Session) -> None:
    _some_entries(session)
    sign_in(client, "sup_carl")
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    client.cookies.clear()
    sign_in(client, "admin_ada")
    csrf = {"X-CSRF-Token": page_csrf(client)}
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.request(method, "/api/v1/audit", headers=csrf).status_code == 405
    entry = session.query(AuditEntry).first()
    assert entry is not None
    entry.action = "tampered"
    with pytest.raises(Forbidden):
        session.flush()
