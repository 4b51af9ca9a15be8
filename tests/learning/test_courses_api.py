import pytest
from starlette.testclient import TestClient

from tests.helpers import sign_in


def test_list_has_every_course_with_its_shape(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/courses")
    assert response.status_code == 200
    body = response.json()
    assert len(body) >= 40
    by_code = {course["code"]: course for course in body}
    lab = by_code["LAB-120"]
    assert lab == {
        "code": "LAB-120",
        "title": "Test orders, specimen labeling and handling",
        "summary": lab["summary"],
        "modality": "e-learning",
        "hours": 2.0,
        "level": 2,
        "competencies": ["phlebotomy", "registration-accuracy"],
        "prerequisites": ["LAB-101", "PSR-120"],
        "lms_url": "https://lms.pathways.example/activities/LAB-120",
    }
    assert lab["summary"]
    assert by_code["PRIV-102"]["hours"] == 0.5


def test_empty_parameters_mean_any(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    everything = client.get("/api/v1/courses").json()
    blank = client.get("/api/v1/courses?q=&competency=&modality=&max_hours=")
    assert blank.status_code == 200
    assert blank.json() == everything


def test_search_and_filters(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    found = client.get("/api/v1/courses", params={"q": "venipuncture"}).json()
    assert {course["code"] for course in found} == {"LAB-110", "LAB-130"}

    coding = client.get(
        "/api/v1/courses", params={"competency": "medical-coding", "modality": "classroom"}
    ).json()
    assert [course["code"] for course in coding] == ["COD-401"]

    short = client.get("/api/v1/courses", params={"competency": "composure", "max_hours": "3"}).json()
    assert short == []
    calm = client.get("/api/v1/courses", params={"competency": "composure", "max_hours": "4"}).json()
    assert {course["code"] for course in calm} == {"COMM-210", "PRO-210", "PRO-310"}
    assert all(course["hours"] <= 4 for course in calm)
    assert all("composure" in course["competencies"] for course in calm)

    long = client.get("/api/v1/courses", params={"duration": "long", "modality": "e-learning"}).json()
    assert long and all(course["hours"] > 4 and course["modality"] == "e-learning" for course in long)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"modality": "webinar"},
            "Unknown modality 'webinar'. Choose one of: e-learning, classroom, on-the-job.",
        ),
        ({"max_hours": "abc"}, "Maximum hours must be a number, such as 2 or 1.5; got 'abc'."),
        ({"max_hours": "-1"}, "Maximum hours must be more than 0 and at most 1000."),
        (
            {"competency": "juggling"},
            "No competency with code 'juggling'. Choose one from the list, or clear the filter.",
        ),
    ],
)
def test_bad_parameters_are_422_with_message(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/courses", params=params)
    assert response.status_code == 422
    assert response.json() == {"detail": message}


def test_detail_adds_dependants_and_roles(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/courses/LAB-210")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "LAB-210"
    assert body["hours"] == 6.0
    assert body["prerequisites"] == ["LAB-130"]
    assert set(body["needed_by"]) == {"LAB-310", "LAB-320"}
    assert {"code": "psr-2-float", "name": "PSR II Float"} in body["required_by_roles"]
    assert all(role["code"] != "psr-1" for role in body["required_by_roles"])


def test_unknown_course_is_404_json(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/courses/NOPE-999")
    assert response.status_code == 404
    assert response.json() == {"detail": "No course with code 'NOPE-999'."}


def test_anonymous_api_is_401(client: TestClient) -> None:
    for path in ("/api/v1/courses", "/api/v1/courses?q=lab", "/api/v1/courses/LAB-210"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["detail"]
