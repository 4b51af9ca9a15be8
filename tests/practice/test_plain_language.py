"""The practice desk in plain language (issue 15): a worksheet, not JSON; no seed but under Advanced;
free practice says it is not evidence; names, not codes."""

import re

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.practice import service
from pathways.practice.cases import kind_for
from pathways.practice.cases.base import Action
from pathways.practice.models import PracticeAttempt
from pathways.practice.worksheet import Line, readable, worksheet
from tests.helpers import page_csrf, sign_in
from tests.plain import codes_shown, hyphenated_codes, main_text, raw_levels, read
from tests.practice.test_case_secrets import new_set, signed_in, start

JSON_MARKS = re.compile(r"[{}\[\]]|\"\w+\":")


def _finish_with_the_model_answer(client: TestClient, session: Session, attempt_id: int, skip: str) -> None:
    headers = {"X-CSRF-Token": page_csrf(client, "/")}
    api = f"/api/v1/practice/attempts/{attempt_id}"
    attempt = session.get_one(PracticeAttempt, attempt_id)
    kind = kind_for(attempt.case_type)
    for name, payload in kind.model_answer(service.case_of(attempt)):
        if name == skip:
            continue
        posted = client.post(f"{api}/actions", json={"kind": name, "payload": payload}, headers=headers)
        assert posted.status_code == 201, posted.text
    assert client.post(f"{api}/finish", headers=headers).status_code == 200


def test_free_practice_shows_a_worksheet_beside_the_learners_answers(
    client: TestClient, session: Session
) -> None:
    codes = hyphenated_codes(session)
    headers = signed_in(client, "psr_alice")
    attempt = start(client, headers, case_type="payment")
    seed = str(attempt["case"]["seed"])
    desk = f"/practice/attempts/{attempt['id']}"

    page = client.get(desk).text
    text = main_text(page, skip_class="advanced")
    assert "Free practice does not count as evidence" in text and "practice set your trainer assigns" in text
    # The seed is only in the Advanced disclosure.
    assert "seed" not in text.lower() and not re.search(rf"\b{seed}\b", text)
    assert re.search(rf'<details class="advanced">\s*<summary>Advanced</summary>.*\b{seed}\b', page, re.S)
    assert codes_shown(text, codes) == []

    _finish_with_the_model_answer(client, session, attempt["id"], skip="issue_receipt")
    page = client.get(desk).text
    text = main_text(page, skip_class="advanced")
    assert "Worksheet: the model answer beside yours" in text
    assert "Step 1: Take payment" in text and "Step 2: Issue receipt not done" in text
    assert "Expected drawer" in text  # the answer's key in words
    assert not JSON_MARKS.search(text), JSON_MARKS.search(text)
    assert "seed" not in text.lower()
    assert codes_shown(text, codes) == [] and raw_levels(text) == []
    cells = read(page[page.index('id="worksheet-heading"') :]).cells
    assert "Model answer" in cells and "Your answer" in cells and "Same" in cells
    assert "not entered" in cells and "Differs" in cells  # the receipt step the learner skipped


def test_a_trainer_reviews_a_worksheet_and_never_sees_a_seed(client: TestClient, session: Session) -> None:
    codes = hyphenated_codes(session)
    set_id = new_set(client, session, ["privacy"], 1, "psr_alice")
    signed_in(client, "psr_alice")
    attempt = start(
        client, {"X-CSRF-Token": page_csrf(client, "/")}, case_type="privacy", set_id=set_id, index=0
    )
    _finish_with_the_model_answer(client, session, attempt["id"], skip="")

    signed_in(client, "trainer_tina")
    for path in (
        "/practice/trainer",
        f"/practice/trainer/sets/{set_id}",
        f"/practice/attempts/{attempt['id']}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert 'name="seed"' not in page.text, path
        text = main_text(page.text)
        assert "seed" not in text.lower(), path
        assert "Advanced" not in text, path  # a set case has no case number to show at all
        assert codes_shown(text, codes) == [] and raw_levels(text) == [], path
        assert not JSON_MARKS.search(main_text(page.text)), path
    review = main_text(client.get(f"/practice/attempts/{attempt['id']}").text)
    assert "Worksheet: the model answer beside Alice Moreno's" in review and "Their answer" in review
    trainer = client.get("/practice/trainer").text
    options = re.findall(r'<option value="(\d)"[^>]*>([^<]+)</option>', trainer)
    assert options == [("1", "Learning"), ("2", "Practicing"), ("3", "Proficient"), ("4", "Role model")]
    assert "Practicing" in main_text(client.get(f"/practice/trainer/sets/{set_id}").text)


def test_the_desk_home_names_levels_and_competencies(client: TestClient, session: Session) -> None:
    new_set(client, session, ["privacy"], 1, "psr_alice")
    signed_in(client, "psr_alice")
    text = main_text(client.get("/practice").text)
    assert "Passing it shows Practicing" in text
    assert "Free practice does not count as evidence" in text and "ask your trainer" in text
    assert "Privacy and Compliance" in text or "Privacy" in text
    assert codes_shown(text, hyphenated_codes(session)) == [] and raw_levels(text) == []


def test_readable_values_never_look_like_json() -> None:
    assert readable({"first_name": "Ana", "dob": "1990-01-02"}) == "First name: Ana; Dob: 1990-01-02"
    assert readable([{"tube": "Light blue"}, {"tube": "Red"}]) == "Tube: Light blue | Tube: Red"
    assert readable(["a", "b"]) == "a, b" and readable(None) == "none" and readable(True) == "yes"
    assert readable(12.5) == "12.50"
    assert Line("Amount", "25.00", "25").matches and not Line("Method", "card", "cash").matches


def test_the_worksheet_follows_the_model_answers_steps(session: Session) -> None:
    kind = kind_for("payment")
    case = kind.generate(7)
    model = kind.model_answer(case)
    mine = [Action(seq=1, kind=model[0][0], payload=model[0][1])]
    sheet = worksheet(kind, case, mine)
    assert [s.title for s in sheet] == [name.replace("_", " ").capitalize() for name, _ in model]
    assert sheet[0].done and all(line.matches for line in sheet[0].lines)
    assert not sheet[1].done and all(line.learner == "not entered" for line in sheet[1].lines)


def test_a_learner_form_start_shows_no_seed(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    token = page_csrf(client, "/practice")
    started = client.post(
        "/practice/attempts", data={"csrf_token": token, "case_type": "booking"}, follow_redirects=False
    )
    page = client.get(started.headers["location"]).text
    assert "seed" not in main_text(page, skip_class="advanced").lower()
