import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.careers.models import Role
from pathways.stories.models import Story
from tests.helpers import counting_statements, sign_in

STORY_LINK = re.compile(r'<h2><a href="/stories/([a-z0-9-]+)">')


def add_draft(session: Session) -> None:
    psr_1 = session.scalars(select(Role).where(Role.code == "psr-1")).one()
    psr_2 = session.scalars(select(Role).where(Role.code == "psr-2")).one()
    session.add(
        Story(
            slug="draft-story",
            title="Not yet moderated",
            author="Sam Q.",
            from_role_id=psr_1.id,
            to_role_id=psr_2.id,
            months=3,
            tips=[],
            body="Waiting.",
            status="submitted",
        )
    )
    session.flush()


def test_list_shows_published_stories_with_the_move(client: TestClient, session: Session) -> None:
    add_draft(session)
    sign_in(client, "psr_alice")
    response = client.get("/stories")
    assert response.status_code == 200
    page = response.text
    slugs = STORY_LINK.findall(page)
    assert len(slugs) >= 6
    assert "draft-story" not in slugs
    card = page[page.index('href="/stories/tomasz-psr-2-to-billing"') :].split("</li>")[0]
    assert "Following the claim to the other side" in card
    assert "Tomasz W." in card
    assert re.search(r"PSR II\s*<span aria-hidden=\"true\">→</span>.*Billing Specialist", card, re.S)
    assert "Took 24 months" in card
    assert '<label for="role">' in page


def test_filter_by_role_matches_from_or_to(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/stories", params={"role": "billing-specialist"}).text
    assert set(STORY_LINK.findall(page)) == {
        "tomasz-psr-2-to-billing",
        "renata-psr-1-to-billing",
        "aisha-billing-to-coder",
    }
    assert '<option value="billing-specialist" selected>' in page
    assert "<strong>3</strong> stories" in page


def test_filter_with_no_story_says_so(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/stories", params={"role": "patient-access-manager"}).text
    assert STORY_LINK.findall(page) == []
    assert "No story about this role yet." in page


def test_unknown_role_filter_is_explained(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/stories", params={"role": "astronaut"})
    assert response.status_code == 422
    assert "No role with code &#39;astronaut&#39;." in response.text
    assert '<select id="role" name="role">' in response.text


def test_story_page_has_body_roles_tips_and_courses(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/stories/dana-psr-1-to-psr-2")
    assert response.status_code == 200
    page = response.text
    assert "<h1>From my first check-in to running the desk</h1>" in page
    assert "<dd>Dana R.</dd>" in page
    assert 'href="/roles/psr-1">PSR I</a>' in page
    assert 'href="/roles/psr-2">PSR II</a>' in page
    assert "<dd>14 months</dd>" in page
    body = page[page.index("<blockquote>") : page.index("</blockquote>")]
    assert body.count("<p>") == 4
    assert "When I started as a PSR I, the phone ringing" in body
    assert "<li>Ask to be signed off on one new task at a time instead of everything at once.</li>" in page
    courses = page[page.index('id="courses-heading"') :]
    for code in ("PSR-110", "PSR-130", "REV-201", "LAB-110"):
        assert f'href="/courses/{code}"' in courses


def test_unknown_or_unpublished_story_is_404(client: TestClient, session: Session) -> None:
    add_draft(session)
    sign_in(client, "psr_alice")
    for slug in ("no-such-story", "draft-story"):
        response = client.get(f"/stories/{slug}")
        assert response.status_code == 404
        assert f"No story with slug &#39;{slug}&#39;." in response.text


@pytest.mark.parametrize("path", ["/stories", "/stories?role=psr-1", "/stories/dana-psr-1-to-psr-2"])
def test_anonymous_is_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_list_query_count_does_not_depend_on_rows(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    with counting_statements(session) as statements:
        assert len(STORY_LINK.findall(client.get("/stories").text)) >= 6
        everything = len(statements)
        statements.clear()
        assert len(STORY_LINK.findall(client.get("/stories", params={"role": "group-lead"}).text)) == 2
        two = len(statements)
    # The role filter costs exactly one look-up of the role; the rows cost nothing extra.
    assert two == everything + 1
