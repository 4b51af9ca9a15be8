import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from starlette.testclient import TestClient

from pathways.careers.models import PathEdge, Role
from tests.helpers import sign_in


def test_roles_list(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/roles")
    assert response.status_code == 200
    roles = response.json()
    assert {r["code"] for r in roles} == set(session.scalars(select(Role.code)))
    psr = next(r for r in roles if r["code"] == "psr-1")
    assert set(psr) == {"code", "name", "family", "summary", "pay"}
    assert psr["name"] == "PSR I" and psr["family"] == "patient-services"
    assert set(psr["pay"]) == {"low", "high", "currency", "period", "source", "year"}
    assert psr["pay"]["currency"] == "USD" and psr["pay"]["low"] < psr["pay"]["high"]


def test_role_detail(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/roles/psr-2")
    assert response.status_code == 200
    role = response.json()
    assert role["code"] == "psr-2" and role["name"] == "PSR II"
    requirement = next(r for r in role["requirements"] if r["competency"] == "registration-accuracy")
    assert requirement == {
        "competency": "registration-accuracy",
        "competency_name": requirement["competency_name"],
        "level": 3,
        "level_name": "Proficient",
    }
    assert {c["code"] for c in role["required_courses"]} >= {"PRIV-101", "LAB-110"}
    assert {m["role"] for m in role["leads_to"]} == {
        "psr-2-site-lead",
        "psr-2-float",
        "billing-specialist",
        "medical-coder",
    }
    assert role["comes_from"] == [
        {
            "role": "psr-1",
            "role_name": "PSR I",
            "typical_months": 12,
            "requires": role["comes_from"][0]["requires"],
        }
    ]
    assert role["comes_from"][0]["requires"]
    assert set(role["outlook"]) == {"text", "source", "year"}
    assert all(set(c) == {"name", "required"} for c in role["certifications"])
    assert role["responsibilities"] and role["settings"] and role["education"]
    assert "luis-psr-2-to-site-lead" in {s["slug"] for s in role["stories"]}


def test_paths_lists_every_edge(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/paths")
    assert response.status_code == 200
    paths = response.json()
    edges = session.scalars(
        select(PathEdge).options(joinedload(PathEdge.from_role), joinedload(PathEdge.to_role))
    ).all()
    assert {(p["from"], p["to"]) for p in paths} == {(e.from_role.code, e.to_role.code) for e in edges}
    assert len(paths) == len(edges)
    first = next(p for p in paths if p["from"] == "psr-1" and p["to"] == "psr-2")
    assert set(first) == {"from", "to", "from_name", "to_name", "typical_months", "requires"}
    assert first["typical_months"] == 12


def test_unknown_role_is_404_json(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/roles/nobody")
    assert response.status_code == 404
    assert response.json() == {"detail": "No role with code 'nobody'."}


def test_overlong_code_is_422_json(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/roles/" + "z" * 80)
    assert response.status_code == 422
    assert "code" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/roles", "/api/v1/roles/psr-1", "/api/v1/paths"])
def test_api_needs_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_openapi_documents_the_careers_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/roles", "/api/v1/roles/{code}", "/api/v1/paths"):
        assert "get" in spec["paths"][path]
    assert "/roles" not in spec["paths"]
    path_schema = spec["components"]["schemas"]["PathOut"]
    assert {"from", "to", "typical_months", "requires"} <= set(path_schema["properties"])
