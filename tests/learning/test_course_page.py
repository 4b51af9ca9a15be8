import pytest
from starlette.testclient import TestClient

from tests.helpers import sign_in


def test_course_page_shows_facts_competencies_and_lms_link(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses/EHR-201")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Registration, orders and work queues in the EHR</h1>" in page
    assert "<dd>EHR-201</dd>" in page
    assert "<dd>3 hours</dd>" in page
    assert "<dd>E-learning</dd>" in page
    assert "<dd>Practicing: Does the routine work independently" in page
    assert 'href="/competencies/ehr-use"' in page
    assert 'href="/competencies/registration-accuracy"' in page
    assert 'href="https://lms.pathways.example/activities/EHR-201"' in page
    assert "Open in the LMS" in page


def test_course_page_links_prerequisites_and_courses_that_need_it(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/courses/EHR-201").text
    prerequisites = page[page.index('id="prerequisites-heading"') : page.index("Courses that need this one")]
    assert 'href="/courses/EHR-101"' in prerequisites
    assert 'href="/courses/PSR-110"' in prerequisites
    needed_by = page[page.index("Courses that need this one") : page.index('id="roles-heading"')]
    assert 'href="/courses/EHR-301"' in needed_by
    assert 'href="/courses/EHR-101"' not in needed_by


def test_course_page_lists_roles_that_require_it(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/courses/PRIV-101").text
    roles = page[page.index('id="roles-heading"') :]
    for role in ("psr-1", "psr-2", "medical-coder", "billing-specialist"):
        assert f'href="/roles/{role}"' in roles
    assert "None: you can start this course any time." in page


def test_course_no_role_requires_says_so(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/courses/COMM-110").text
    assert "No role lists this course as required" in page


def test_unknown_course_is_404_with_message(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses/NOPE-999")
    assert response.status_code == 404
    assert "No course with code &#39;NOPE-999&#39;." in response.text


@pytest.mark.parametrize("path", ["/courses/EHR-201", "/courses/NOPE-999"])
def test_anonymous_is_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
