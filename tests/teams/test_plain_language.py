"""Team pages in plain language (issue 15): observations and ratings by level name, forms that offer
names, and no role or competency codes."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.inbox.models import Notification
from tests.helpers import page_csrf, sign_in
from tests.plain import LEVEL_NAMES, codes_shown, hyphenated_codes, main_text, raw_levels, read
from tests.teams.support import person, user

SCALE = [("1", "Learning"), ("2", "Practicing"), ("3", "Proficient"), ("4", "Role model")]


def _options(html: str, select_id: str) -> list[tuple[str, str]]:
    found = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, select_id
    return re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', found.group(1))


def test_the_person_page_shows_observations_by_level_name(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "lead_bea")
    page = client.get(f"/team/people/{alice.id}").text
    assert _options(page, "obs-level") == SCALE
    assert "What the levels mean" in page and "Handles the full range of situations" in page
    saved = client.post(
        f"/team/people/{alice.id}/observations",
        data={
            "csrf_token": page_csrf(client),
            "competency": "composure",
            "level": "3",
            "note": "Calm at rush",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    told = session.scalars(
        select(Notification.message).where(
            Notification.user_id == user(session, "psr_alice").id, Notification.kind == "observation"
        )
    ).all()
    assert [m.split(":")[0] for m in told] == ["Bea Tanaka noted Composure at Proficient"]
    page = client.get(f"/team/people/{alice.id}").text
    observed = [row for row in read(page).cells if row in LEVEL_NAMES]
    assert "Proficient" in observed
    text = main_text(page)
    assert codes_shown(text, hyphenated_codes(session)) == [] and raw_levels(text) == []


def test_ratings_read_and_ask_for_levels_by_name(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    codes = hyphenated_codes(session)
    sign_in(client, "sup_carl")
    path = f"/team/people/{alice.id}/ratings"
    page = client.get(path).text
    assert _options(page, "level-composure") == [("", "Not now"), ("0", "Not yet shown"), *SCALE]
    rated = client.post(
        path,
        data={"csrf_token": page_csrf(client), "level-composure": "2", "note-composure": "Steady"},
        follow_redirects=False,
    )
    assert rated.status_code == 303
    for who, where in (("sup_carl", path), ("psr_alice", "/ratings")):
        client.cookies.clear()
        sign_in(client, who)
        page = client.get(where).text
        text = main_text(page)
        assert "0 to 4" not in text and raw_levels(text) == [], who
        assert codes_shown(text, codes) == [], who
        history = page[page.index("<h2>History</h2>") :]
        assert "Practicing" in read(history).cells, who
        side_by_side = page[: page.index("</table>")]
        cells = read(side_by_side).cells
        assert not [c for c in cells if re.fullmatch(r"[0-4]", c)], who


def test_bad_rating_input_names_the_choice_not_a_number_range(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    sign_in(client, "sup_carl")
    refused = client.post(
        f"/team/people/{alice.id}/ratings",
        data={"csrf_token": page_csrf(client), "level-composure": "7"},
    )
    assert refused.status_code == 400 and "Choose one of the listed levels for Composure" in refused.text


def test_the_onboarding_overview_names_roles(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    text = main_text(client.get("/team/onboarding").text)
    assert "for PSR I" in text and "patient service center" in text
    assert codes_shown(text, hyphenated_codes(session)) == []
