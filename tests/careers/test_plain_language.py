"""Role, comparison, competency, course and learning-plan pages in plain language (issue 15)."""

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from tests.helpers import sign_in
from tests.plain import codes_shown, hyphenated_codes, main_text, raw_levels

PAGES = [
    "/roles/psr-2",
    "/roles/psr-2-site-lead",
    "/roles/compare?a=psr-1&b=psr-2",
    "/competencies",
    "/competencies/registration-accuracy",
    "/courses",
    "/courses/EHR-201",
    "/learning",
]


def test_pages_a_learner_reads_name_levels_roles_and_competencies(
    client: TestClient, session: Session
) -> None:
    codes = hyphenated_codes(session)
    sign_in(client, "psr_alice")
    found = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        text = main_text(response.text)
        problems = codes_shown(text, codes) + raw_levels(text)
        if problems:
            found[path] = problems
    assert found == {}


def test_the_role_page_gives_each_required_level_its_behaviour(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    text = main_text(client.get("/roles/psr-2").text)
    # Registration accuracy at Proficient, with what that looks like (content/competencies.yaml).
    row = text[text.index("Registration Accuracy") :][:400]
    assert "Proficient" in row and len(row.split("Proficient", 1)[1].strip()) > 40
