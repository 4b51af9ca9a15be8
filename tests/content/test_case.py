"""The framework as CASE 1.0 packages: valid against the published schema, stable identifiers, a round trip
through an empty database, imports with a preview that change nothing when they are wrong, and the read-only
REST binding."""

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways import migrate
from pathways.audit.models import AuditEntry
from pathways.careers.models import RoleCompetency
from pathways.competencies.models import Competency
from pathways.config import Settings
from pathways.content import case, case_service, editing, export
from pathways.content.loader import load_content
from pathways.db import Database
from tests.helpers import page_csrf, sign_in
from tests.postgres import Cluster

BASE = "https://pathways.example"
SCHEMA = (
    Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "case-v1p0-cfpackage-schema.json"
)


def valid(package: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]


@pytest.fixture
def fresh(database: Database, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """Another Pathways of the same kind as `database`: migrated, the shipped content loaded, no one in it."""
    if database.engine.dialect.name == "postgresql":
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database("pathways_case_fresh")
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrate.upgrade(url)
    other = Database(url)
    with other.transaction() as session:
        load_content(session, Settings().content_dir)
    yield other
    other.engine.dispose()


def test_both_packages_validate_against_the_case_schema(session: Session) -> None:
    framework = case_service.package(session, case.FRAMEWORK, BASE)
    roles = case_service.package(session, case.ROLES, BASE)
    assert valid(framework) == []
    assert valid(roles) == []
    competencies = session.scalars(select(Competency)).all()
    assert len(framework["CFItems"]) == 5 * len(competencies)  # each competency and its four levels
    requirements = session.scalars(select(RoleCompetency)).all()
    related = [a for a in roles["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert len(related) == len(requirements)


def test_identifiers_are_the_same_in_every_export_and_on_every_server(session: Session) -> None:
    first = case_service.package(session, case.FRAMEWORK, BASE)
    again = case_service.package(session, case.FRAMEWORK, "https://elsewhere.example")
    assert [i["identifier"] for i in first["CFItems"]] == [i["identifier"] for i in again["CFItems"]]
    assert first["CFItems"][0]["identifier"] == case.competency_id(first["CFItems"][0]["humanCodingScheme"])
    # A role requirement points at the very identifier the framework package gives that level.
    level_ids = {i["identifier"] for i in first["CFItems"] if i["CFItemType"] == case.LEVEL_TYPE}
    roles = case_service.package(session, case.ROLES, BASE)
    related = [a for a in roles["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    targets = {a["destinationNodeURI"]["identifier"] for a in related}
    assert targets <= level_ids


def test_a_framework_changed_here_round_trips_through_another_pathways(
    session: Session, fresh: Database
) -> None:
    # An empty database cannot take the framework alone: the practice desk's case types and the scale are
    # checked with it. Another Pathways, as installed, is where a package really goes.
    changed = case_service.package(session, case.FRAMEWORK, BASE)
    level = next(i for i in changed["CFItems"] if i["CFItemType"] == case.LEVEL_TYPE)
    level["fullStatement"] = "Checks two identifiers with every patient, every time, before anything else."
    case_service.import_package(session, 1, changed)
    exported = case_service.package(session, case.FRAMEWORK, BASE)

    with fresh.transaction() as other:
        assert case_service.package(other, case.FRAMEWORK, BASE) != exported
        result = case_service.import_package(other, None, json.loads(json.dumps(exported)))
        assert len(result.changed) == 1 and result.added == []
    with fresh.transaction() as other:
        assert case_service.package(other, case.FRAMEWORK, BASE) == exported
        again, _data = case_service.preview(other, exported)
        assert not again.changes


def test_importing_a_changed_role_requirement_previews_then_applies_it_with_an_audit_entry(
    session: Session,
) -> None:
    package = case_service.package(session, case.ROLES, BASE)
    role = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "psr-2")
    link = next(
        a for a in package["CFAssociations"]
        if a["associationType"] == "isRelatedTo" and a["originNodeURI"]["identifier"] == role["identifier"]
    )  # fmt: skip
    codes = [c["code"] for c in export.framework(session)["competencies.yaml"]]
    code, level = next(
        (c, n)
        for c in codes
        for n in range(1, 5)
        if case.level_id(c, n) == link["destinationNodeURI"]["identifier"]
    )
    higher = min(level + 1, 4) if level < 4 else 3
    link["destinationNodeURI"]["identifier"] = case.level_id(code, higher)

    preview, _data = case_service.preview(session, package)
    assert preview.changed == [f"{role['abbreviatedStatement']} (psr-2): {code} {level} → {higher}"]
    assert _required(session, "psr-2")[code] == level  # a preview changes nothing

    case_service.import_package(session, 1, package)
    assert _required(session, "psr-2")[code] == higher
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert entry.action == "content.case_import" and entry.after is not None
    assert entry.after["changed"] == preview.changed


def _required(session: Session, role: str) -> dict[str, int]:
    data = export.framework(session)
    return next(r["competencies"] for r in data["roles.yaml"] if r["code"] == role)


def test_a_package_that_breaks_the_rules_is_refused_with_reasons_and_changes_nothing(
    session: Session,
) -> None:
    package = case_service.package(session, case.FRAMEWORK, BASE)
    before = export.framework(session)

    three_levels = copy.deepcopy(package)
    dropped = next(i for i in three_levels["CFItems"] if i["CFItemType"] == case.LEVEL_TYPE)
    three_levels["CFItems"].remove(dropped)
    dropped_code = dropped["humanCodingScheme"].split(".")[0]
    with pytest.raises(editing.EditRejected) as rejected:
        case_service.import_package(session, 1, three_levels)
    assert any(dropped_code in p or "level" in p for p in rejected.value.problems)

    stray = copy.deepcopy(package)
    stray["CFItems"][1]["listEnumeration"] = "two"
    with pytest.raises(case.PackageProblem) as problem:
        case_service.import_package(session, 1, stray)
    assert problem.value.problems == [
        f"CFItem '{stray['CFItems'][1]['identifier']}': listEnumeration must be the level number (1 to 4)."
    ]

    foreign = copy.deepcopy(package)
    foreign["CFDocument"]["identifier"] = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(case.PackageProblem, match="not one of Pathways' documents"):
        case_service.import_package(session, 1, foreign)
    with pytest.raises(case.PackageProblem, match="no CFDocument"):
        case_service.import_package(session, 1, ["not", "a", "package"])

    assert export.framework(session) == before


def test_case_consumers_read_documents_packages_and_items_without_signing_in(client: TestClient) -> None:
    documents = client.get("/ims/case/v1p0/CFDocuments")
    assert documents.status_code == 200
    listed = documents.json()["CFDocuments"]
    assert [d["title"] for d in listed] == list(case.DOCUMENT_TITLES.values())
    framework = next(d for d in listed if d["identifier"] == case.document_id(case.FRAMEWORK))
    package = client.get(f"/ims/case/v1p0/CFPackages/{framework['identifier']}")
    assert package.status_code == 200 and valid(package.json()) == []
    item = package.json()["CFItems"][0]
    assert client.get(f"/ims/case/v1p0/CFItems/{item['identifier']}").json() == item
    assert client.get(f"/ims/case/v1p0/CFDocuments/{framework['identifier']}").json() == framework

    missing = client.get("/ims/case/v1p0/CFPackages/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert (
        missing.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "unknownobject"
    )
    bad = client.get("/ims/case/v1p0/CFItems/not-a-uuid")
    assert bad.status_code == 400 and "not-a-uuid" in bad.json()["imsx_description"]


def test_an_admin_previews_and_imports_a_package_in_the_browser(client: TestClient, session: Session) -> None:
    sign_in(client, "admin_ada")
    package = case_service.package(session, case.FRAMEWORK, "http://testserver")
    item = next(i for i in package["CFItems"] if i["CFItemType"] == case.LEVEL_TYPE)
    item["fullStatement"] = "Greets every patient by name and checks two identifiers before anything else."
    csrf = page_csrf(client, "/admin/content/case")

    upload = {"file": ("framework.json", json.dumps(package).encode(), "application/json")}
    shown = client.post("/admin/content/case", data={"csrf_token": csrf}, files=upload)
    assert shown.status_code == 200
    assert "Changed (1)" in shown.text and "Import these changes" in shown.text
    code, level = item["humanCodingScheme"].split(".")
    assert _behaviour(session, code, int(level)) != item["fullStatement"]

    done = client.post(
        "/admin/content/case/import", data={"csrf_token": csrf, "package": json.dumps(package)},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    assert _behaviour(session, code, int(level)) == item["fullStatement"]

    not_json = client.post(
        "/admin/content/case",
        data={"csrf_token": csrf},
        files={"file": ("x.json", b"{nope", "application/json")},
    )
    assert not_json.status_code == 400 and "The file is not JSON" in not_json.text


def _behaviour(session: Session, code: str, level: int) -> str:
    data = export.framework(session)
    competency = next(c for c in data["competencies.yaml"] if c["code"] == code)
    return " ".join(next(lv["behaviour"] for lv in competency["levels"] if lv["level"] == level).split())


def test_only_admins_exchange_packages_in_the_browser(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    assert client.get("/admin/content/case").status_code == 403
    assert client.get("/admin/content/case/framework.json").status_code == 403
