"""Content editing in the browser: the loader's validation, audit entries, and the YAML export round trip."""

import io
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.careers.models import PathEdge, Role
from pathways.competencies.models import Competency
from pathways.content import editing, export
from pathways.content.loader import load_content
from pathways.learning.models import Course
from pathways.teams.models import OnboardingTemplate
from tests.helpers import page_csrf, sign_in
from tests.teams.support import user


def _item(session: Session, kind: str, key: str) -> dict[str, object]:
    found = editing.kind_of(kind)
    return editing.find(export.framework(session), found, key)


def test_export_loads_back_unchanged(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    for name, text in export.files(export.framework(session)).items():
        (folder / name).write_text(text, encoding="utf-8")
    report = load_content(session, folder)
    assert not report.changed, report.summary()
    assert report.unchanged["roles"] > 0 and report.unchanged["stories"] > 0


def test_an_edit_exports_as_it_was_made(session: Session, tmp_path: Path) -> None:
    role = _item(session, "roles", "psr-2")
    role["summary"] = "Edited summary: a PSR II keeps the busiest desk running."
    editing.save(
        session, user(session, "admin_ada").id, editing.KINDS["roles"], "psr-2", yaml.safe_dump(role)
    )
    exported = yaml.safe_load(export.files(export.framework(session))["roles.yaml"])
    assert next(r for r in exported if r["code"] == "psr-2")["summary"] == role["summary"]


def test_editing_a_competency_level_description_is_audited(session: Session) -> None:
    item = _item(session, "competencies", "composure")
    item["levels"][0]["behaviour"] = "Stays calm with a colleague close by."  # type: ignore[index]
    editing.save(
        session,
        user(session, "admin_ada").id,
        editing.KINDS["competencies"],
        "composure",
        yaml.safe_dump(item),
    )
    competency = session.scalar(
        select(Competency).where(Competency.code == "composure").options(selectinload(Competency.levels))
    )
    assert (
        competency is not None and competency.levels[0].behaviour == "Stays calm with a colleague close by."
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "content.update"))
    assert entry is not None and entry.entity == "competencies"
    assert entry.before is not None and entry.after is not None and entry.before["key"] == "composure"
    assert entry.before["item"]["levels"][0]["behaviour"] != entry.after["item"]["levels"][0]["behaviour"]


@pytest.mark.parametrize(
    ("kind", "key", "change", "message"),
    [
        ("roles", "psr-2", {"competencies": {"juggling": 2}}, "unknown competency 'juggling'"),
        (
            "roles",
            "psr-2",
            {
                "pay": {
                    "low": 50000,
                    "high": 40000,
                    "currency": "USD",
                    "period": "year",
                    "source": "x",
                    "year": 2026,
                }
            },
            "pay.low is above pay.high",
        ),
        ("courses", "LAB-210", {"hours": -1}, "hours"),
        ("courses", "LAB-210", {"prerequisites": ["LAB-210"]}, "own prerequisite"),
        ("competencies", "composure", {"levels": []}, "levels 1, 2, 3 and 4"),
        ("paths", "psr-1--psr-2", {"to": "psr-1"}, "key cannot change"),
        ("roles", "psr-2", {"colour": "blue"}, "colour"),
    ],
)
def test_invalid_edits_change_nothing(
    session: Session, kind: str, key: str, change: dict[str, object], message: str
) -> None:
    before = export.files(export.framework(session))
    item = {**_item(session, kind, key), **change}
    with pytest.raises(editing.EditRejected) as caught:
        editing.save(session, user(session, "admin_ada").id, editing.KINDS[kind], key, yaml.safe_dump(item))
    assert message in caught.value.message
    assert export.files(export.framework(session)) == before
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action.startswith("content."))) is None


def test_not_yaml_and_not_a_mapping(session: Session) -> None:
    admin = user(session, "admin_ada").id
    with pytest.raises(editing.EditRejected, match="not valid YAML"):
        editing.save(session, admin, editing.KINDS["courses"], "LAB-210", "code: [unclosed")
    with pytest.raises(editing.EditRejected, match="mapping"):
        editing.save(session, admin, editing.KINDS["courses"], "LAB-210", "- just\n- a list\n")


def test_add_a_course_and_remove_a_lattice_move(session: Session) -> None:
    admin = user(session, "admin_ada").id
    course = {
        **_item(session, "courses", "LAB-210"),
        "code": "LAB-299",
        "title": "Capillary collections",
        "prerequisites": ["LAB-110"],
    }
    editing.save(session, admin, editing.KINDS["courses"], None, yaml.safe_dump(course))
    assert session.scalar(select(Course.title).where(Course.code == "LAB-299")) == "Capillary collections"
    with pytest.raises(editing.EditRejected, match="already exists"):
        editing.save(session, admin, editing.KINDS["courses"], None, yaml.safe_dump(course))
    editing.delete_path(session, admin, "psr-1--billing-specialist")
    from_id = session.scalar(select(Role.id).where(Role.code == "psr-1"))
    to_id = session.scalar(select(Role.id).where(Role.code == "billing-specialist"))
    assert (
        session.scalar(
            select(PathEdge.id).where(PathEdge.from_role_id == from_id, PathEdge.to_role_id == to_id)
        )
        is None
    )
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "content.delete")) is not None


def test_content_pages_edit_in_the_browser(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    csrf = page_csrf(client)
    page = client.get("/admin/content/courses/LAB-210")
    assert page.status_code == 200 and "Check and save" in page.text and "LAB-210" in page.text
    item = _item(session, "courses", "LAB-210")
    item["title"] = "Difficult draws, revised"
    saved = client.post(
        "/admin/content/courses/LAB-210",
        data={"csrf_token": csrf, "text": yaml.safe_dump(item)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert session.scalar(select(Course.title).where(Course.code == "LAB-210")) == "Difficult draws, revised"
    bad = client.post("/admin/content/courses/LAB-210", data={"csrf_token": csrf, "text": "title: [oops"})
    assert bad.status_code == 422 and "not valid YAML" in bad.text and "title: [oops" in bad.text
    assert client.get("/admin/content/courses/NOPE-101").status_code == 404
    assert client.get("/admin/content/new?kind=planets").status_code == 404
    new = client.get("/admin/content/new?kind=paths")
    assert new.status_code == 200 and "typical_months" in new.text


def test_export_downloads(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    archive = client.get("/admin/content/export")
    assert archive.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(names) == sorted(f"content/{n}" for n in export.FILES)
    roles = client.get("/admin/content/export?file=roles.yaml")
    assert roles.status_code == 200 and any(r["code"] == "psr-1" for r in yaml.safe_load(roles.text))
    assert client.get("/admin/content/export?file=../secrets").status_code == 404


def test_onboarding_templates_are_edited_checked_and_audited(client: TestClient, session: Session) -> None:
    template = session.scalar(select(OnboardingTemplate).where(OnboardingTemplate.role_code == "psr-2"))
    assert template is not None
    template_id = template.id
    sign_in(client, "admin_ada")
    csrf = page_csrf(client)
    text = client.get(f"/admin/onboarding-templates/{template.id}").text
    assert "first-solo-shift" in text
    edited = (
        "name: PSR II anywhere\nrole: psr-2\nsite_type: any\nitems:\n"
        "  - {code: welcome, title: Welcome, detail: '', due_days: 1}\n"
    )
    saved = client.post(
        f"/admin/onboarding-templates/{template.id}",
        data={"csrf_token": csrf, "text": edited},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.refresh(template)
    assert template.name == "PSR II anywhere" and len(template.items) == 1
    for bad, message in (
        (
            "name: x\nrole: astronaut\nsite_type: any\nitems: [{code: a, title: b, due_days: 1}]",
            "unknown role",
        ),
        ("name: x\nrole: psr-2\nsite_type: moon\nitems: [{code: a, title: b, due_days: 1}]", "site_type"),
        (
            "name: x\nrole: psr-2\nsite_type: hospital\nitems: [{code: a, title: b, due_days: 1},"
            " {code: a, title: c, due_days: 2}]",
            "used twice",
        ),
        ("name: x\nrole: psr-1\nsite_type: any\nitems: [{code: a, title: b, due_days: 1}]", "already exists"),
    ):
        response = client.post("/admin/onboarding-templates/new", data={"csrf_token": csrf, "text": bad})
        assert response.status_code == 422 and message in response.text, message
    deleted = client.post(
        f"/admin/onboarding-templates/{template_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert session.scalar(select(OnboardingTemplate).where(OnboardingTemplate.id == template_id)) is None
    actions = set(
        session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "onboarding_templates"))
    )
    assert actions == {"content.update", "content.delete"}


def test_content_pages_are_for_admins_only(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    csrf = page_csrf(client)
    assert client.get("/admin/content").status_code == 403
    assert (
        client.post(
            "/admin/content/roles/psr-2", data={"csrf_token": csrf, "text": "code: psr-2"}
        ).status_code
        == 403
    )
    assert client.get("/admin/content/export").status_code == 403
