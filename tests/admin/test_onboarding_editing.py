"""Onboarding templates edited in the browser go through the loader's checks, like all the framework."""

import html

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.content import export
from pathways.teams import templates
from pathways.teams.models import OnboardingTemplate
from tests.helpers import page_csrf, sign_in


def template(session: Session, role: str, site_type: str = "any") -> OnboardingTemplate:
    found = session.scalar(
        select(OnboardingTemplate).where(
            OnboardingTemplate.role_code == role, OnboardingTemplate.site_type == site_type
        )
    )
    assert found is not None, (role, site_type)
    return found


def post(client: TestClient, path: str, text: str) -> tuple[int, str]:
    response = client.post(path, data={"csrf_token": page_csrf(client), "text": text}, follow_redirects=False)
    return response.status_code, html.unescape(response.text)


def test_an_unknown_role_is_refused_and_changes_nothing(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    float_template = template(session, "psr-2-float")
    before = export.files(export.framework(session))
    item = yaml.safe_load(templates.as_yaml(float_template))
    for path in (f"/admin/onboarding-templates/{float_template.id}", "/admin/onboarding-templates/new"):
        status, text = post(client, path, yaml.safe_dump({**item, "role": "astronaut"}))
        assert status == 422
        assert "<p>The change was not saved:</p>" in text
        assert "<li>role: unknown role 'astronaut'</li>" in text
        assert "role: astronaut" in text  # the admin's text is kept for correcting
    session.expire_all()
    assert export.files(export.framework(session)) == before
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "onboarding_templates")) is None


def test_the_loader_checks_are_the_ones_applied(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    lead = template(session, "psr-2-site-lead")
    item = yaml.safe_load(templates.as_yaml(lead))
    path = f"/admin/onboarding-templates/{lead.id}"
    for change, message in (
        ({"items": []}, "items: List should have at least 1 item"),
        ({"items": [{**item["items"][0], "due_days": -1}]}, "items.0.due_days: Input should be greater than"),
        ({"site_type": "moon"}, "site_type: Value error, must be one of: any, patient-service-center"),
        ({"items": [item["items"][0], item["items"][0]]}, "items: step code 'welcome' is used twice"),
        ({"role": "psr-1"}, "An onboarding template 'psr-1--any' already exists"),
        ({"owner": "ada"}, "owner: Extra inputs are not permitted"),
    ):
        status, text = post(client, path, yaml.safe_dump({**item, **change}))
        assert status == 422 and message in text, (change, text[:2000])
    session.refresh(lead)
    assert export.onboarding_item(lead) == item


def test_a_template_can_move_to_a_site_type_and_exports_as_edited(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "admin_ada")
    psr2 = template(session, "psr-2")
    old_id = psr2.id
    item = {
        **yaml.safe_load(templates.as_yaml(psr2)),
        "site_type": "hospital",
        "name": "PSR II at a hospital",
    }
    status, _ = post(client, f"/admin/onboarding-templates/{old_id}", yaml.safe_dump(item))
    assert status == 303
    session.expire_all()
    assert session.get(OnboardingTemplate, old_id) is None
    moved = template(session, "psr-2", "hospital")
    assert moved.name == "PSR II at a hospital"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "onboarding_templates"))
    assert entry is not None and entry.action == "content.update"
    assert entry.before is not None and entry.before["key"] == "psr-2--any"
    assert entry.after is not None and entry.after["key"] == "psr-2--hospital"
    exported = yaml.safe_load(client.get("/admin/content/export?file=onboarding.yaml").text)
    assert item in exported
    assert not any(t["role"] == "psr-2" and t["site_type"] == "any" for t in exported)


def test_the_editor_points_at_the_content_file(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    page = client.get(f"/admin/onboarding-templates/{template(session, 'psr-1').id}")
    assert page.status_code == 200 and "content/onboarding.yaml" in page.text
    assert "onboarding.yaml" in client.get("/admin/content").text
