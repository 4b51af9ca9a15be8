import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.competencies.models import Competency
from tests.helpers import counting_statements, sign_in


def test_library_explains_the_scale_and_groups_competencies(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/competencies")
    assert response.status_code == 200
    page = response.text
    assert page.count("<h1>") == 1
    for name in ("Learning", "Practicing", "Proficient", "Role model"):
        assert name in page
    framework = page.index("Framework competencies")
    technical = page.index("Technical competencies")
    assert framework < page.index("Time Management") < technical
    assert technical < page.index("Phlebotomy")
    assert 'href="/competencies/decision-quality"' in page
    assert 'href="/competencies/insurance-verification"' in page


def test_library_lists_every_competency(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/competencies").text
    codes = session.scalars(select(Competency.code)).all()
    assert len(codes) >= 9 + 10
    for code in codes:
        assert f'href="/competencies/{code}"' in page


def test_competency_page_shows_levels_courses_and_roles(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/competencies/phlebotomy")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Phlebotomy</h1>" in page
    levels = page[page.index('id="levels-heading"') : page.index("</table>")]
    # The four levels by name, never by number (issue 15).
    assert re.findall(r'<th scope="row">([^<]+)</th>', levels) == [
        "Learning",
        "Practicing",
        "Proficient",
        "Role model",
    ]
    # Courses that build it, linked, with their facts.
    assert 'href="/courses/LAB-110"' in page
    assert "Venipuncture basics" in page
    assert "Classroom" in page
    assert "8 hours" in page
    assert 'href="/courses/COMM-110"' not in page
    # Roles that require it, linked, with the level.
    assert 'href="/roles/psr-2-float"' in page
    roles_section = page[page.index('id="roles-heading"') :]
    assert re.search(
        r'href="/roles/psr-2-float">[^<]+</a></th>\s*<td>(Learning|Practicing|Proficient|Role model)</td>',
        roles_section,
    )


def test_competency_page_lists_only_related_courses_and_roles(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/competencies/managing-measuring-work").text
    assert 'href="/courses/LEAD-301"' in page
    assert 'href="/courses/LAB-110"' not in page
    assert 'href="/roles/supervisor"' in page
    assert 'href="/roles/psr-1"' not in page


def test_unknown_competency_is_404_with_message(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/competencies/juggling")
    assert response.status_code == 404
    assert "No competency with code &#39;juggling&#39;." in response.text


@pytest.mark.parametrize("path", ["/competencies", "/competencies/phlebotomy"])
def test_anonymous_is_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_competency_page_query_count_does_not_depend_on_rows(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    with counting_statements(session) as statements:
        assert client.get("/competencies/phlebotomy").status_code == 200
        many = len(statements)
        statements.clear()
        assert client.get("/competencies/medical-coding").status_code == 200
        fewer = len(statements)
    assert many == fewer
