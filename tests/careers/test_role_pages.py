import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.testclient import TestClient

from pathways.careers.models import PathEdge, Role, RoleCompetency
from pathways.learning.models import Course
from pathways.stories.models import Story
from tests.helpers import counting_statements, sign_in

REQUIREMENTS = selectinload(Role.requirements).selectinload(RoleCompetency.competency)


def count_statements(session: Session, client: TestClient, path: str) -> int:
    with counting_statements(session) as statements:
        assert client.get(path).status_code == 200
    return len([sql for sql in statements if sql.lstrip().upper().startswith("SELECT")])


def test_role_explorer_draws_the_lattice_and_its_text_alternative(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles")
    assert response.status_code == 200
    page = response.text
    assert page.count("<h1>") == 1
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)
    links = {a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")}
    codes = set(session.scalars(select(Role.code)))
    assert len(codes) >= 9
    assert links == {f"/roles/{code}" for code in codes}
    assert 'aria-labelledby="lattice-title lattice-desc"' in svg
    # The text alternative: a table row per move, and every role listed by family.
    table = page[page.index('id="moves"') :]
    edge_count = len(session.scalars(select(PathEdge.id)).all())
    assert table.count("<tr>") == edge_count + 1
    assert "PSR II Site Lead" in table and "months" in table
    families = page[page.index('id="families"') : page.index('id="moves"')]
    for heading in ("Patient services", "Leadership", "Revenue cycle"):
        assert f">{heading}</h3>" in families
    for code in codes:
        assert f'href="/roles/{code}"' in families


def test_role_profile_shows_everything_a_psr_needs(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles/psr-2")
    assert response.status_code == 200
    page = response.text
    role = session.scalars(select(Role).where(Role.code == "psr-2").options(REQUIREMENTS)).one()
    assert "<h1>PSR II</h1>" in page
    # Competencies, linked, with the level and the scale's name for it.
    assert re.search(
        r'href="/competencies/registration-accuracy">[^<]+</a></th>\s*<td>\w+</td>\s*'
        r"<td><strong>Proficient</strong><br><span class=\"muted\">[^<]+</span>",
        page,
    )
    # Education, certifications split by required/preferred, pay and outlook with sources and years.
    assert "High-school diploma" in page
    assert "<h3>Required</h3>" in page and "<h3>Preferred</h3>" in page
    assert re.search(r"\$[\d,]+ to \$[\d,]+ USD per year", page)
    assert re.search(r"\(20\d\d\)</dd>", page)
    # Moves in and out, with their typical time and what they need.
    leads = page[page.index('id="leads-to"') : page.index('id="comes-from"')]
    assert 'href="/roles/psr-2-site-lead"' in leads and 'href="/roles/billing-specialist"' in leads
    assert "18 months" in leads
    comes = page[page.index('id="comes-from"') : page.index('id="required-courses"')]
    assert 'href="/roles/psr-1"' in comes and "12 months" in comes
    # Required courses, and courses that build its competencies with their level.
    required = page[page.index('id="required-courses"') : page.index('id="building-courses"')]
    assert 'href="/courses/PRIV-101"' in required and 'href="/courses/LAB-110"' in required
    building = page[page.index('id="building-courses"') : page.index('id="stories"')]
    assert building.count('<th scope="row">') == len(role.requirements)
    assert "builds it to Proficient" in building and 'href="/courses?competency=phlebotomy"' in building
    # Published stories about the role, from it or to it.
    stories = page[page.index('id="stories"') :]
    assert 'href="/stories/luis-psr-2-to-site-lead"' in stories
    assert 'href="/stories/dana-psr-1-to-psr-2"' in stories
    assert 'href="/stories/aisha-billing-to-coder"' not in stories
    # The compare form, labelled, starting from this role.
    assert 'action="/roles/compare"' in page
    assert '<label for="compare-b">' in page and 'name="a" value="psr-2"' in page


def test_role_profile_hides_unpublished_stories(client: TestClient, session: Session) -> None:
    story = session.scalars(select(Story).where(Story.slug == "luis-psr-2-to-site-lead")).one()
    story.status = "pending"
    session.flush()
    sign_in(client, "psr_alice")
    page = client.get("/roles/psr-2").text
    assert "luis-psr-2-to-site-lead" not in page
    assert "priya-psr-2-to-float" in page


def test_entry_and_top_roles_say_so(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    assert "This is an entry role" in client.get("/roles/psr-1").text
    assert "No moves lead on from this role" in client.get("/roles/patient-access-manager").text


def test_unknown_role_is_a_clear_404(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles/chief-of-everything")
    assert response.status_code == 404
    assert "No role with code &#39;chief-of-everything&#39;." in response.text


def test_overlong_role_code_is_422_not_500(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles/" + "x" * 65)
    assert response.status_code == 422
    assert "at most 64 characters" in response.text


@pytest.mark.parametrize("path", ["/roles", "/roles/psr-1", "/roles/compare?a=psr-1&b=psr-2"])
def test_pages_need_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_role_page_query_count_does_not_depend_on_the_role(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    client.get("/roles")
    # PSR II has many requirements, moves, courses and stories; the manager has few.
    assert count_statements(session, client, "/roles/psr-2") == count_statements(
        session, client, "/roles/patient-access-manager"
    )


def test_compare_highlights_differences_in_text_and_class(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles/compare?a=psr-1&b=psr-2")
    assert response.status_code == 200
    page = response.text
    assert "<h1>PSR I and PSR II side by side</h1>" in page
    # PSR II needs phlebotomy at 3, PSR I at 1: the row is marked, and the marker says which is higher.
    row = re.search(
        r'<tr class="diff">\s*<th scope="row"><a href="/competencies/phlebotomy">.*?</tr>', page, re.S
    )
    assert row is not None
    assert "Higher in PSR II" in row.group(0)
    # A competency only one role requires is said so.
    assert "Only PSR II requires it" in page or "Only PSR I requires it" in page
    # Rows at the same level carry no diff class.
    same = re.search(
        r'<tr>\s*<th scope="row"><a href="/competencies/[^"]+">[^<]+</a></th>((?!</tr>).)*Same level',
        page,
        re.S,
    )
    assert same is not None
    # Both selects are labelled and keep the choice.
    assert '<label for="compare-a">' in page and '<label for="compare-b">' in page
    assert '<option value="psr-1" selected>' in page and '<option value="psr-2" selected>' in page
    # Both are paid on the same national band, so pay is not marked.
    assert "differs</span>" not in page
    assert "Responsibilities" in page and "Certifications" in page and "Education" in page


def test_compare_marks_a_different_pay_band(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/roles/compare?a=psr-1&b=group-lead").text
    assert re.search(r'<tr class="diff"><th scope="row">Pay band <span class="tag">differs</span>', page)
    assert "Higher in Group Lead" in page


def test_compare_without_roles_shows_the_form(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles/compare")
    assert response.status_code == 200
    assert "<h1>Compare two roles</h1>" in response.text
    assert 'name="a"' in response.text and 'name="b"' in response.text
    assert 'class="diff"' not in response.text


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?a=psr-1", 400, "Choose two roles to compare."),
        ("?a=psr-1&b=", 400, "Choose two roles to compare."),
        ("?a=psr-1&b=psr-1", 400, "Choose two different roles to compare."),
        ("?a=psr-1&b=nobody", 404, "No role with code &#39;nobody&#39;."),
        ("?a=ghost&b=psr-1", 404, "No role with code &#39;ghost&#39;."),
    ],
)
def test_compare_bad_choices_get_a_message_and_the_form(
    client: TestClient, query: str, status: int, message: str
) -> None:
    sign_in(client, "psr_alice")
    response = client.get(f"/roles/compare{query}")
    assert response.status_code == status
    assert message in response.text
    assert 'action="/roles/compare"' in response.text


def test_compare_overlong_code_is_422(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/roles/compare?a=psr-1&b=" + "y" * 100)
    assert response.status_code == 422


def test_role_page_lists_the_shortest_courses_to_each_required_level(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/roles/psr-2").text
    role = session.scalars(select(Role).where(Role.code == "psr-2").options(REQUIREMENTS)).one()
    building = page[page.index('id="building-courses"') : page.index('id="stories"')]
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</tr>', building, re.S)
    courses = list(session.scalars(select(Course).options(selectinload(Course.competencies))))
    assert len(rows) == len(role.requirements)
    for requirement, row in zip(role.requirements, rows, strict=True):
        assert requirement.competency.name in row
        reaching = sorted(
            (c for c in courses if c.level >= requirement.level and requirement.competency in c.competencies),
            key=lambda c: (c.hours, c.level, c.code),
        )
        listed = re.findall(r'href="/courses/([A-Z0-9-]+)"', row)
        assert listed == [c.code for c in reaching[:3]], requirement.competency.code
        if len(reaching) > 3:
            assert f"All {len(reaching)} courses" in row
