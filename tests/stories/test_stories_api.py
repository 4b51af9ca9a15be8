from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.stories.models import Story
from tests.helpers import sign_in


def test_list_shape(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/stories")
    assert response.status_code == 200
    body = response.json()
    assert len(body) >= 6
    priya = next(story for story in body if story["slug"] == "priya-psr-2-to-float")
    assert priya["title"] == "Why I chose to float"
    assert priya["author"] == "Priya K."
    assert priya["from_role"] == "psr-2"
    assert priya["to_role"] == "psr-2-float"
    assert priya["months"] == 18
    assert priya["courses"] == ["COMM-320", "LAB-210", "LAB-220", "LAB-310"]
    assert len(priya["tips"]) == 3 and all(isinstance(tip, str) and tip for tip in priya["tips"])
    assert priya["body"].strip()


def test_list_only_published(client: TestClient, session: Session) -> None:
    story = session.scalars(select(Story).where(Story.slug == "luis-psr-2-to-site-lead")).one()
    story.status = "submitted"
    session.flush()
    sign_in(client, "psr_alice")
    slugs = {item["slug"] for item in client.get("/api/v1/stories").json()}
    assert "luis-psr-2-to-site-lead" not in slugs
    assert "priya-psr-2-to-float" in slugs
    assert client.get("/api/v1/stories/luis-psr-2-to-site-lead").status_code == 404


def test_filter_by_role(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    body = client.get("/api/v1/stories", params={"role": "group-lead"}).json()
    assert {story["slug"] for story in body} == {
        "jerome-site-lead-to-group-lead",
        "keiko-group-lead-to-supervisor",
    }
    assert client.get("/api/v1/stories?role=").json() == client.get("/api/v1/stories").json()


def test_unknown_role_filter_is_422(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/stories", params={"role": "astronaut"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "No role with code 'astronaut'. Choose one from the list, or clear the filter."
    }


def test_detail_and_404(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/stories/aisha-billing-to-coder")
    assert response.status_code == 200
    body = response.json()
    assert body["from_role"] == "billing-specialist"
    assert body["to_role"] == "medical-coder"
    assert "COD-401" in body["courses"]
    missing = client.get("/api/v1/stories/no-such-story")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No story with slug 'no-such-story'."}


def test_anonymous_api_is_401(client: TestClient) -> None:
    for path in ("/api/v1/stories", "/api/v1/stories?role=psr-1", "/api/v1/stories/aisha-billing-to-coder"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["detail"]
