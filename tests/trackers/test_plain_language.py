"""The tracker in plain language (issue 15): levels by name with their behaviours, no codes, a plan in
words."""

import re

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from tests.helpers import page_csrf, sign_in
from tests.plain import LEVEL_NAMES, codes_shown, hyphenated_codes, main_text, raw_levels, read


def _tracker_with_a_suggested_plan(client: TestClient) -> int:
    started = client.post(
        "/trackers", data={"csrf_token": page_csrf(client), "role": "psr-2"}, follow_redirects=False
    )
    tracker_id = int(started.headers["location"].rsplit("/", 1)[1])
    suggested = client.post(
        f"/trackers/{tracker_id}/suggest",
        data={"csrf_token": page_csrf(client), "hours": "3"},
        follow_redirects=False,
    )
    assert suggested.status_code == 303
    return tracker_id


def _gap_cells(html: str) -> list[list[str]]:
    table = html[html.index('id="gaps"') : html.index('id="requirements"')]
    cells = read(table).cells
    columns = 7
    return [cells[i : i + columns] for i in range(columns, len(cells), columns)]


def test_the_tracker_names_levels_and_explains_its_plan(client: TestClient, session: Session) -> None:
    codes = hyphenated_codes(session)
    sign_in(client, "psr_alice")
    tracker_id = _tracker_with_a_suggested_plan(client)
    for who in ("psr_alice", "sup_carl"):  # the learner, and the supervisor who holds the conversation
        client.cookies.clear()
        sign_in(client, who)
        page = client.get(f"/trackers/{tracker_id}?done=suggested&hours=3").text
        text = main_text(page)
        assert codes_shown(text, codes) == [], who
        assert raw_levels(text) == [], who
        rows = _gap_cells(page)
        assert rows, "the gaps table lists the role's competencies"
        for name, required, current, _source, self_rating, manager, gap in rows:
            assert required.startswith(LEVEL_NAMES[1:]), (name, required)
            # The competency's own behaviour at the required level follows the name.
            assert len(required) > len("Role model") + 20, (name, required)
            assert current in LEVEL_NAMES, (name, current)
            assert self_rating in (*LEVEL_NAMES, "Not rated") and manager in (*LEVEL_NAMES, "Not rated")
            assert gap == "Met" or re.fullmatch(r"\d steps? short", gap), gap
        plan = text[text.index("Plan by quarter") : text.index("Goals")]
        assert re.search(
            r"Raises [A-Z][\w ,]+ from [A-Z][\w ]+ to [A-Z][\w ]+, required for PSR II", plan
        ) or re.search(r"Raises [A-Z][\w ,]+ to [A-Z][\w ]+, required for PSR II", plan), plan[:500]


def test_the_trackers_list_compares_levels_by_name(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    _tracker_with_a_suggested_plan(client)
    page = client.get("/trackers").text
    text = main_text(page)
    assert codes_shown(text, hyphenated_codes(session)) == [] and raw_levels(text) == []
    compared = page[page.index("current level against the level each role requires") :]
    cells = [c for c in read(compared).cells if " of " in c and not c[0].isdigit()]
    assert cells and all(
        re.fullmatch(r"([A-Z][\w ]+) of ([A-Z][\w ]+)( \(\d steps? short\))?", c) for c in cells
    ), cells
