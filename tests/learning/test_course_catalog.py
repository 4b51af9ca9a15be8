import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.learning.models import Course
from tests.helpers import counting_statements, sign_in

ROW_LINK = re.compile(r'<th scope="row"><a href="/courses/([A-Z0-9-]+)">')


def listed(html: str) -> list[str]:
    return ROW_LINK.findall(html)


def test_catalog_lists_every_course_with_its_facts(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses")
    assert response.status_code == 200
    page = response.text
    total = session.scalar(select(func.count()).select_from(Course))
    assert total is not None and total >= 40
    assert len(listed(page)) == total
    assert f"<strong>{total}</strong> courses" in page
    # The form's controls are labelled.
    for control in ("q", "competency", "modality", "duration", "max_hours"):
        assert f'<label for="{control}">' in page
        assert f'id="{control}"' in page
    assert "Up to 1 hour" in page and "More than 4 hours" in page
    # A row: code, title, competency tags, level, hours, modality.
    row = page[page.index("<td>LAB-210</td>") :].split("</tr>")[0]
    assert "Difficult draws: veins, patients and situations" in row
    assert 'class="tag" href="/competencies/difficult-draws"' in row
    assert 'class="tag" href="/competencies/phlebotomy"' in row
    assert "<td>Proficient</td>" in row and "Level 3" not in row
    assert '<td class="num">6</td>' in row
    assert "<td>Classroom</td>" in row


def test_text_search_finds_title_words_case_insensitively(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses", params={"q": "VENIPUNCTURE"})
    assert response.status_code == 200
    codes = listed(response.text)
    assert set(codes) == {"LAB-110", "LAB-130"}
    assert 'value="VENIPUNCTURE"' in response.text
    assert "<strong>2</strong> courses" in response.text


def test_text_search_matches_code_and_summary(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    assert listed(client.get("/courses", params={"q": "cod-2"}).text) == ["COD-201", "COD-210"]
    # "attorneys" is only in the summary of PRIV-201, not in its title.
    assert listed(client.get("/courses", params={"q": "Attorneys"}).text) == ["PRIV-201"]
    # Every word has to match somewhere, in any order.
    codes = listed(client.get("/courses", params={"q": "draws difficult"}).text)
    assert "LAB-210" in codes
    assert "COMM-110" not in codes


def test_text_search_treats_wildcards_literally(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses", params={"q": "%"})
    assert response.status_code == 200
    assert listed(response.text) == []


def test_filter_by_competency_modality_and_duration(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/courses", params={"competency": "medical-coding"}).text
    assert set(listed(page)) == {"COD-101", "COD-201", "COD-210", "COD-301", "COD-310", "COD-401"}
    assert '<option value="medical-coding" selected>' in page

    page = client.get("/courses", params={"competency": "phlebotomy", "modality": "on-the-job"}).text
    assert set(listed(page)) == {"LAB-130", "LAB-310"}
    assert '<option value="on-the-job" selected>' in page

    short = listed(client.get("/courses", params={"competency": "phlebotomy", "duration": "short"}).text)
    assert set(short) == {"LAB-101", "LAB-105"}
    medium = listed(client.get("/courses", params={"competency": "phlebotomy", "duration": "medium"}).text)
    assert set(medium) == {"LAB-120", "LAB-220", "LAB-230"}
    long = listed(client.get("/courses", params={"competency": "phlebotomy", "duration": "long"}).text)
    assert set(long) == {"LAB-110", "LAB-130", "LAB-210", "LAB-310"}

    page = client.get("/courses", params={"competency": "privacy-compliance", "max_hours": "1.5"}).text
    assert set(listed(page)) == {"PRIV-101", "PRIV-102"}
    assert 'value="1.5"' in page


def test_no_match_says_so_and_offers_to_clear(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses", params={"q": "astrophysics"})
    assert response.status_code == 200
    assert "No course matches these filters." in response.text
    assert '<a href="/courses">clear all filters</a>' in response.text
    assert listed(response.text) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"modality": "webinar"}, "Unknown modality &#39;webinar&#39;."),
        ({"max_hours": "lots"}, "Maximum hours must be a number, such as 2 or 1.5; got &#39;lots&#39;."),
        ({"duration": "forever"}, "Unknown duration &#39;forever&#39;."),
        ({"competency": "juggling"}, "No competency with code &#39;juggling&#39;."),
    ],
)
def test_bad_filter_values_keep_the_form_and_explain(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses", params=params)
    assert response.status_code == 422
    assert message in response.text
    assert 'role="alert"' in response.text
    assert '<form method="get" action="/courses"' in response.text
    assert listed(response.text) == []


def test_overlong_search_is_refused_not_crashed(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/courses", params={"q": "x" * 500})
    assert response.status_code == 422
    assert "at most 200 characters" in response.text


def test_anonymous_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/courses?q=lab", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/courses%3Fq%3Dlab"


def test_catalog_query_count_does_not_depend_on_rows(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    with counting_statements(session) as statements:
        assert len(listed(client.get("/courses").text)) >= 40
        everything = len(statements)
        statements.clear()
        assert len(listed(client.get("/courses", params={"q": "venipuncture"}).text)) == 2
        two = len(statements)
    assert everything == two
