"""Practice counts toward a competency level only with enough passed cases of enough case types.

content/practice.yaml states the minimums per competency; practice.evidence applies them when a set is
passed; readiness (the tracker) reads the evidence that results. A set of two cases moves nothing.
"""

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from pathways.competencies.evidence import levels_for
from pathways.competencies.models import EvidenceRecord
from pathways.config import DEFAULT_CONTENT_DIR
from pathways.content.export import framework
from pathways.content.loader import load_content
from pathways.content.reader import ContentError, read_content
from pathways.org.models import Employee
from pathways.practice import evidence, service, sets
from pathways.practice.cases import CASE_KINDS, kind_for, practised_by
from pathways.practice.evidence import PassedSet, Rule, level_for
from tests.helpers import page_csrf, sign_in

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
PRIVACY = "privacy-compliance"  # practised by the payment and privacy cases; PSR II requires level 2


def alice(session: Session) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()


def pass_set(session: Session, types: list[str], per_type: int, level: int) -> int:
    tina = session.scalars(select(User).where(User.email == "trainer_tina@pathways.example")).one()
    learner = alice(session)
    data = sets.NewSet(
        name=f"{per_type} x {', '.join(types)}",
        case_types=types,
        cases_per_type=per_type,
        level=level,
        members=[learner.employee_number],
    )
    set_id = sets.create_set(session, tina, data).id
    for code in types:
        for index in range(per_type):
            attempt = service.start_attempt(session, learner.id, code, set_id=set_id, index=index, now=START)
            for step, (name, payload) in enumerate(kind_for(code).model_answer(service.case_of(attempt)), 1):
                service.act(session, attempt, name, payload, now=START + dt.timedelta(seconds=10 * step))
            assert service.finish(session, attempt, now=START + dt.timedelta(minutes=2)).passed
    session.flush()
    return set_id


def readiness(client: TestClient, tracker_id: int) -> tuple[float, dict[str, Any]]:
    body = client.get(f"/api/v1/trackers/{tracker_id}").json()
    return body["readiness"]["proportional"], {c["competency"]: c for c in body["competencies"]}


def practice_records(session: Session) -> list[EvidenceRecord]:
    query = select(EvidenceRecord).where(
        EvidenceRecord.employee_id == alice(session).id, EvidenceRecord.source == "practice"
    )
    return list(session.scalars(query))


def test_two_passed_cases_move_no_level_and_enough_cases_of_enough_types_do(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "psr_alice")
    headers = {"X-CSRF-Token": page_csrf(client, "/")}
    tracker = client.post("/api/v1/me/trackers", json={"role": "psr-2"}, headers=headers).json()
    before, competencies = readiness(client, tracker["id"])
    assert competencies[PRIVACY]["current_level"] == 0

    pass_set(session, ["privacy", "payment"], 1, level=4)  # two cases, even at the top level
    assert practice_records(session) == []
    assert PRIVACY not in levels_for(session, alice(session).id)
    assert readiness(client, tracker["id"])[0] == before
    standing = next(s for s in client.get("/api/v1/practice/evidence").json() if s["competency"] == PRIVACY)
    assert (standing["passed_cases"], standing["required_cases"], standing["cases_short"]) == (2, 6, 4)
    assert (standing["passed_case_types"], standing["case_types_short"], standing["level"]) == (
        ["payment", "privacy"],
        0,
        0,
    )
    page = client.get("/practice").text
    assert 'id="evidence"' in page and "4 more passed cases to go" in page

    pass_set(session, ["privacy", "payment"], 2, level=2)  # now six cases of two types, all at level 2+
    records = practice_records(session)
    assert [(r.level, "6 passed cases of 2 types" in r.detail) for r in records] == [(2, True)]
    after, competencies = readiness(client, tracker["id"])
    assert competencies[PRIVACY]["current_level"] == 2 and after > before
    # Payment collection has four payment cases of one type, decision quality four privacy cases: nothing.
    assert {"payment-collection", "decision-quality"}.isdisjoint(levels_for(session, alice(session).id))
    tracker_page = client.get(f"/trackers/{tracker['id']}").text
    assert (
        "6 passed cases of 2 types at Practicing or above" in tracker_page
    )  # the gap table names the rule it met
    assert "<td>Practicing</td>" in client.get("/practice").text


def test_the_level_is_where_enough_cases_of_high_enough_sets_add_up() -> None:
    rule = Rule(PRIVACY, "Privacy", cases=6, case_types=2, why="", practised_by=practised_by(PRIVACY))
    high = PassedSet(level=4, case_types=("privacy", "payment"), cases_per_type=2)
    low = PassedSet(level=2, case_types=("privacy",), cases_per_type=2)
    assert level_for(rule, [high]) == 0  # four cases
    assert level_for(rule, [high, low]) == 2  # six, but two of them only at level 2
    assert level_for(rule, [high, PassedSet(level=4, case_types=("privacy",), cases_per_type=2)]) == 4
    one_type = PassedSet(level=3, case_types=("privacy",), cases_per_type=10)
    assert level_for(rule, [one_type]) == 0  # ten cases of one type are not two types
    unrelated = PassedSet(level=4, case_types=("booking", "backfill"), cases_per_type=10)
    assert level_for(rule, [unrelated]) == 0


def test_the_shipped_rules_cover_every_practised_competency_and_can_be_met(session: Session) -> None:
    rules = evidence.rules(session)
    practised = {code for kind in CASE_KINDS.values() for code in kind.competencies}
    assert set(rules) == practised
    for rule in rules.values():
        assert 1 <= rule.case_types <= len(rule.practised_by) and rule.cases >= rule.case_types
        assert rule.why and "\n" not in rule.why
    assert (rules[PRIVACY].cases, rules[PRIVACY].case_types) == (6, 2)


def rules_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, folder)
    (folder / "practice.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "- competency: composure\n  cases: 5\n  case_types: 2\n  why: x\n",
            "practice.yaml:3: case_types: only 1",
        ),
        ("- competency: juggling\n  cases: 5\n  case_types: 1\n  why: x\n", "unknown competency 'juggling'"),
        ("- competency: composure\n  cases: 0\n  case_types: 1\n  why: x\n", "practice.yaml:2: cases"),
        ("- competency: ehr-use\n  cases: 5\n  case_types: 1\n  why: x\n", "no practice case type practises"),
        ("- competency: composure\n  cases: 5\n  case_types: 1\n", "why: Field required"),
    ],
)
def test_bad_rules_are_refused_naming_file_line_and_problem(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ContentError) as refused:
        read_content(rules_folder(tmp_path, text))
    assert any(named in problem for problem in refused.value.problems), refused.value.problems


def test_a_competency_the_desk_practises_without_a_rule_is_refused(tmp_path: Path) -> None:
    shipped = (DEFAULT_CONTENT_DIR / "practice.yaml").read_text(encoding="utf-8")
    without = shipped.split("- competency: composure")[0]
    with pytest.raises(ContentError, match="no rule for 'composure'"):
        read_content(rules_folder(tmp_path, without))


def test_rules_load_in_place_and_export_back_unchanged(session: Session, tmp_path: Path) -> None:
    shipped = (DEFAULT_CONTENT_DIR / "practice.yaml").read_text(encoding="utf-8")
    folder = rules_folder(tmp_path, shipped.replace("cases: 5\n", "cases: 7\n", 1))
    report = load_content(session, folder)
    assert report.updated["practice rules"] == 1 and report.created["practice rules"] == 0
    assert evidence.rules(session)["composure"].cases == 7
    exported = {item["competency"]: item for item in framework(session)["practice.yaml"]}
    assert exported["composure"] == {
        "competency": "composure",
        "cases": 7,
        "case_types": 1,
        "why": evidence.rules(session)["composure"].why,
    }
    assert not load_content(session, folder).changed
