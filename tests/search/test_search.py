"""The search box: full text with stemming and content synonyms, safe for any text, on both databases."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.errors import BadRequest
from pathways.search import service
from pathways.search.models import TSV_SQL
from pathways.stories import submissions
from tests.helpers import sign_in
from tests.teams.support import user


def refs(results: service.Results, kind: str) -> set[str]:
    return {hit.ref for hit in results.groups[kind]}


def test_blood_finds_the_phlebotomy_courses(session: Session) -> None:
    results = service.search(session, "blood")
    assert results.also_searched == ["phlebotomy"]
    # LAB-101's title and summary never say "blood": it is found through its phlebotomy competency.
    assert {"LAB-101", "LAB-105", "LAB-110", "LAB-120"} <= refs(results, "course")
    assert "phlebotomy" in refs(results, "competency")


def test_a_phrase_synonym_matches_as_whole_words(session: Session) -> None:
    results = service.search(session, "Blood Draw")
    assert "phlebotomy" in results.also_searched
    assert "LAB-110" in refs(results, "course")


def test_insurance_finds_eligibility_content(session: Session) -> None:
    results = service.search(session, "insurance")
    assert "eligibility" in results.also_searched
    eligibility = [hit for hit in results.groups["course"] if "eligibility" in hit.title.lower()]
    assert {hit.ref for hit in eligibility} >= {"REV-101", "REV-201"}


def test_front_desk_finds_registration(session: Session) -> None:
    results = service.search(session, "front desk")
    assert "registration" in results.also_searched
    assert "registration-accuracy" in refs(results, "competency")


def test_stemming_finds_other_forms_of_a_word(session: Session) -> None:
    # "Schedule templates and clinic capacity" says "schedule", not "scheduling".
    assert "PSR-310" in refs(service.search(session, "scheduling"), "course")
    assert "PSR-140" in refs(service.search(session, "schedules"), "course")


def test_every_word_is_required(session: Session) -> None:
    both = refs(service.search(session, "phlebotomy safety"), "course")
    assert "LAB-105" in both
    assert "LAB-110" not in both  # builds phlebotomy, says nothing of safety
    assert "LAB-110" in refs(service.search(session, "phlebotomy"), "course")


def test_nothing_matches_nonsense(session: Session) -> None:
    results = service.search(session, "zzyzx quorble")
    assert results.total == 0 and results.also_searched == []


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"blood',
        "blood*",
        "NEAR",
        "NEAR(blood draw)",
        "(",
        ")",
        "-",
        "-blood",
        "blood AND",
        "OR",
        "NOT",
        "a:b",
        "^",
        "col:blood",
        "'; DROP TABLE roles; --",
        "*",
        "!!!",
        "blood & | ! <->",
        "\\",
        "ü ß 漢字",
    ],
)
def test_syntax_characters_are_plain_text(session: Session, q: str) -> None:
    results = service.search(session, q)
    assert results.query == q.strip()
    assert set(results.groups) == {"role", "competency", "course", "story"}


def test_operators_are_searched_as_words(session: Session) -> None:
    # Quoted, "-blood" is the word blood, not "without blood".
    assert "LAB-110" in refs(service.search(session, "-blood"), "course")
    assert "LAB-110" in refs(service.search(session, '"venipuncture'), "course")


@pytest.mark.parametrize("q", [None, "", "   "])
def test_empty_query_is_refused_with_a_message(session: Session, q: str | None) -> None:
    with pytest.raises(BadRequest, match="Type what you are looking for"):
        service.search(session, q)


def test_long_query_is_refused_with_a_message(session: Session) -> None:
    assert service.search(session, "b" * 200).total == 0
    with pytest.raises(BadRequest, match="at most 200 characters; yours has 201"):
        service.search(session, "b" * 201)


def test_a_published_story_is_found_and_a_withdrawn_one_is_not(session: Session) -> None:
    draft = submissions.Draft(
        title="Quillwort and me",
        from_role="psr-1",
        to_role="psr-2",
        months=12,
        courses=[],
        tips=["Say yes to the quillwort shifts."],
        body="Nobody had heard of quillwort before me.",
    )
    story, _ = submissions.submit(session, user(session, "psr_alice"), draft)
    assert refs(service.search(session, "quillwort"), "story") == set()  # waiting for moderation
    submissions.moderate(session, user(session, "admin_ada"), story.slug, "approve", "")
    assert refs(service.search(session, "quillworts"), "story") == {story.slug}
    submissions.withdraw(session, user(session, "psr_alice"), story.slug)
    assert refs(service.search(session, "quillwort"), "story") == set()


def test_page_groups_results_and_links_to_their_pages(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/search", params={"q": "blood"})
    assert response.status_code == 200
    html = response.text
    assert "also looking for phlebotomy" in html
    for heading in ("Roles", "Competencies", "Courses"):
        assert f">{heading} <span" in html
    assert 'href="/courses/LAB-110"' in html
    assert 'href="/competencies/phlebotomy"' in html
    assert 'value="blood"' in html  # the header box keeps what was typed
    assert client.get("/courses/LAB-110").status_code == 200


def test_page_links_stories_to_their_pages(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    html = client.get("/search", params={"q": "float"}).text
    assert 'href="/stories/priya-psr-2-to-float"' in html


@pytest.mark.parametrize("q", ["", "   "])
def test_page_without_a_query_asks_for_one(client: TestClient, q: str) -> None:
    sign_in(client, "psr_alice")
    for response in (client.get("/search"), client.get("/search", params={"q": q})):
        assert response.status_code == 200
        assert "Type what you are looking for" in response.text


def test_page_refuses_a_long_query_with_a_message(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/search", params={"q": "x" * 500})
    assert response.status_code == 400
    assert "at most 200 characters; yours has 500" in response.text


@pytest.mark.parametrize("q", ['"', "NEAR(", "*", "-", "(blood"])
def test_page_never_fails_on_syntax(client: TestClient, q: str) -> None:
    sign_in(client, "psr_alice")
    assert client.get("/search", params={"q": q}).status_code == 200


def test_api_json(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/search", params={"q": "insurance"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "insurance"
    assert body["also_searched"] == ["eligibility"]
    assert body["total"] == sum(len(body[k]) for k in ("roles", "competencies", "courses", "stories"))
    rev101 = next(hit for hit in body["courses"] if hit["ref"] == "REV-101")
    assert rev101 == {
        "kind": "course",
        "ref": "REV-101",
        "title": "Insurance basics: plans, cards and eligibility",
        "summary": rev101["summary"],
        "url": "/courses/REV-101",
    }
    assert rev101["summary"].startswith(rev101["summary"].split()[0]) and rev101["summary"]


@pytest.mark.parametrize(
    ("q", "message"), [("", "Type what you are looking for"), ("y" * 201, "at most 200")]
)
def test_api_refuses_empty_and_long_queries(client: TestClient, q: str, message: str) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 400
    assert message in response.text


def test_anonymous_page_goes_to_sign_in_and_api_is_401(client: TestClient) -> None:
    response = client.get("/search?q=blood", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert client.get("/api/v1/search?q=blood").status_code == 401


def test_the_query_uses_the_full_text_index(session: Session) -> None:
    # The index answers the match, not a scan of every row: on PostgreSQL the query's tsvector expression
    # (TSV_SQL, which the service uses) must be the GIN index's exactly; on SQLite the FTS5 table answers.
    statements: list[str] = []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = session.scalars(
            text(
                f"EXPLAIN SELECT id FROM search_documents "
                f"WHERE {TSV_SQL} @@ plainto_tsquery('english', 'blood')"
            )
        ).all()
        statements = [line for line in plan if "ix_search_documents_tsv" in line]
    else:
        plan = session.execute(
            text("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts WHERE search_fts MATCH '\"blood\"'")
        ).all()
        statements = [row[-1] for row in plan if "VIRTUAL TABLE INDEX" in row[-1]]
    assert statements, plan
    assert service.search(session, "blood").total > 0
