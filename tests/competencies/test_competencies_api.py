from starlette.testclient import TestClient

from tests.helpers import sign_in


def test_list_has_every_competency_with_four_named_levels(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/competencies")
    assert response.status_code == 200
    body = response.json()
    by_code = {item["code"]: item for item in body}
    assert {"time-management", "decision-quality", "phlebotomy", "medical-coding"} <= set(by_code)
    assert sum(1 for item in body if item["kind"] == "framework") == 9
    assert all(item["kind"] in ("framework", "technical") for item in body)
    composure = by_code["composure"]
    assert composure["name"] == "Composure"
    assert composure["definition"]
    assert [level["level"] for level in composure["levels"]] == [1, 2, 3, 4]
    assert [level["name"] for level in composure["levels"]] == [
        "Learning",
        "Practicing",
        "Proficient",
        "Role model",
    ]
    assert all(level["behaviour"] for level in composure["levels"])


def test_detail_has_courses_and_roles(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/competencies/difficult-draws")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "difficult-draws"
    assert len(body["levels"]) == 4
    assert {"LAB-130", "LAB-210", "LAB-310", "LAB-320"} <= set(body["courses"])
    assert "COD-101" not in body["courses"]
    float_requirement = next(r for r in body["required_by"] if r["role"] == "psr-2-float")
    assert float_requirement["role_name"]
    assert 1 <= float_requirement["level"] <= 4


def test_unknown_competency_is_404_json(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/competencies/juggling")
    assert response.status_code == 404
    assert response.json() == {"detail": "No competency with code 'juggling'."}


def test_anonymous_api_is_401(client: TestClient) -> None:
    for path in ("/api/v1/competencies", "/api/v1/competencies/phlebotomy"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["detail"]
