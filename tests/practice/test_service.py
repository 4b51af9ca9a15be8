"""Attempts, events, scores, sets and evidence against the database (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.auth.permissions import can_review_practice, can_train
from pathways.competencies.evidence import levels_for
from pathways.competencies.models import Competency, EvidenceRecord
from pathways.errors import BadRequest, Conflict, Forbidden
from pathways.org.models import Employee
from pathways.practice import service, sets
from pathways.practice.cases import kind_for
from pathways.practice.cases.card_data import security_code
from pathways.practice.models import PracticeEvent, PracticeSetMember
from pathways.practice.scoring import Score

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def user(session: Session, who: str) -> User:
    return session.scalars(select(User).where(User.email == f"{who}@pathways.example")).one()


def employee(session: Session, who: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == f"{who}@pathways.example")).one()


def work(session: Session, attempt_id: int, *, minutes: int = 2) -> Score:
    attempt = service.get_attempt(session, attempt_id)
    kind = kind_for(attempt.case_type)
    steps = kind.model_answer(service.case_of(attempt))
    for number, (name, payload) in enumerate(steps, start=1):
        service.act(session, attempt, name, payload, now=START + dt.timedelta(seconds=10 * number))
    return service.finish(session, attempt, now=START + dt.timedelta(minutes=minutes))


def test_an_attempt_records_every_action_and_scores(session: Session) -> None:
    alice = employee(session, "psr_alice")
    attempt = service.start_attempt(session, alice.id, "cost-sharing", seed=5, now=START)
    assert attempt.snapshot == kind_for("cost-sharing").generate(5).model_dump(mode="json")
    result = work(session, attempt.id)
    assert (result.score, result.passed, result.elapsed_seconds) == (100, True, 120)
    reloaded = service.get_attempt(session, attempt.id)
    assert [e.kind for e in reloaded.events] == ["answer"]
    assert reloaded.status == "finished" and reloaded.score == 100
    steps = service.replay(reloaded)
    assert steps[0]["seconds"] == 10 and steps[0]["payload"]["explanation"] == "rules"
    with pytest.raises(Conflict):
        service.finish(session, reloaded)


def test_a_failed_case_keeps_its_findings(session: Session) -> None:
    alice = employee(session, "psr_alice")
    attempt = service.start_attempt(session, alice.id, "order-of-draw", seed=2, now=START)
    service.act(session, attempt, "draw", {"tubes": ["gold-sst", "light-blue"]}, now=START)
    result = service.finish(session, attempt, now=START + dt.timedelta(minutes=1))
    assert not result.passed and result.critical >= 1
    codes = {f.code for f in service.get_attempt(session, attempt.id).findings}
    assert "citrate-after-activator" in codes


def test_the_security_code_never_reaches_the_database(session: Session) -> None:
    alice = employee(session, "psr_alice")
    seed = next(s for s in range(100) if kind_for("payment").generate(s).facts["method"] == "card")
    attempt = service.start_attempt(session, alice.id, "payment", seed=seed, now=START)
    code = security_code(seed)
    service.act(
        session,
        attempt,
        "take_payment",
        {"method": "card", "amount": "10.00", "security_code": code, "note": f"cvv {code}"},
        now=START,
    )
    session.flush()
    stored = session.execute(
        text("SELECT payload, findings FROM practice_events WHERE attempt_id = :a"), {"a": attempt.id}
    ).one()
    assert code not in str(stored.payload)
    assert "security-code-entered" in str(stored.findings) and "card-data-stored" in str(stored.findings)
    assert code not in str(
        session.execute(
            text("SELECT snapshot FROM practice_attempts WHERE id = :a"), {"a": attempt.id}
        ).scalar()
    )
    result = service.finish(session, attempt, now=START)
    assert result.critical == 2 and not result.passed


def test_bad_input_changes_nothing(session: Session) -> None:
    alice = employee(session, "psr_alice")
    attempt = service.start_attempt(session, alice.id, "booking", seed=1, now=START)
    with pytest.raises(BadRequest):
        service.act(
            session,
            attempt,
            "book",
            {"provider": "P1", "day": "not a day", "start": "09:00", "visit_type": "established"},
        )
    count = session.scalar(select(PracticeEvent.id).where(PracticeEvent.attempt_id == attempt.id))
    assert count is None


def make_set(
    session: Session, level: int = 2, types: list[str] | None = None, per_type: int = 2, *members: str
) -> int:
    trainer = user(session, "trainer_tina")
    data = sets.NewSet(
        name="Week 2 cohort",
        case_types=types or ["cost-sharing", "privacy"],
        cases_per_type=per_type,
        level=level,
        members=[employee(session, who).employee_number for who in (members or ("psr_alice",))],
    )
    return sets.create_set(session, trainer, data).id


def practice_records(session: Session, employee_id: int) -> list[EvidenceRecord]:
    query = select(EvidenceRecord).where(
        EvidenceRecord.employee_id == employee_id, EvidenceRecord.source == "practice"
    )
    return list(session.scalars(query))


def test_passing_a_large_enough_set_records_evidence_once_at_its_level(session: Session) -> None:
    alice = employee(session, "psr_alice")
    # Three privacy and three payment cases: six cases of two types practise privacy-compliance, which is
    # what content/practice.yaml asks; payment-collection and decision-quality get three of one type each.
    set_id = make_set(session, 3, ["privacy", "payment"], 3)
    for code in ("privacy", "payment"):
        for index in range(3):
            attempt = service.start_attempt(session, alice.id, code, set_id=set_id, index=index, now=START)
            assert attempt.attempt_number == 1
            assert work(session, attempt.id).passed
    records = practice_records(session, alice.id)
    privacy = session.scalars(select(Competency.id).where(Competency.code == "privacy-compliance")).one()
    assert [(r.competency_id, r.level) for r in records] == [(privacy, 3)]
    assert "6 passed cases of 2 types at Proficient or above" in records[0].detail
    after = levels_for(session, alice.id)
    assert after["privacy-compliance"].level == 3
    assert "payment-collection" not in after and "decision-quality" not in after
    # Another passing attempt does not record the evidence twice.
    again = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=0, now=START)
    assert again.attempt_number == 2
    work(session, again.id)
    assert [r.id for r in practice_records(session, alice.id)] == [records[0].id]


def test_a_set_with_a_failed_case_records_nothing(session: Session) -> None:
    alice = employee(session, "psr_alice")
    set_id = make_set(session, types=["privacy"])
    first = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=0, now=START)
    work(session, first.id)
    second = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=1, now=START)
    # Sharing everything is a privacy breach whatever the request.
    service.act(
        session, second, "respond", {"decision": "disclose", "items": ["results", "insurance", "history"]}
    )
    assert not service.finish(session, second, now=START).passed
    assert practice_records(session, alice.id) == []
    member = session.get(PracticeSetMember, (set_id, alice.id))
    assert member is not None and member.passed_on is None


def test_an_open_set_attempt_resumes_and_a_set_case_must_exist(session: Session) -> None:
    alice = employee(session, "psr_alice")
    set_id = make_set(session)
    one = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=1, now=START)
    two = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=1, now=START)
    assert one.id == two.id
    with pytest.raises(BadRequest, match="has no case"):
        service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=5)
    dan = employee(session, "outsider_dan")
    with pytest.raises(Forbidden):
        service.start_attempt(session, dan.id, "privacy", set_id=set_id, index=0)


def test_trainers_only_build_sets_for_people_in_their_scope(session: Session) -> None:
    with pytest.raises(Forbidden):
        sets.create_set(
            session,
            user(session, "psr_alice"),
            sets.NewSet(name="x", case_types=["privacy"], cases_per_type=1, level=1, members=["E1"]),
        )
    dan = employee(session, "outsider_dan")
    with pytest.raises(BadRequest, match=dan.employee_number):
        sets.create_set(
            session,
            user(session, "trainer_tina"),
            sets.NewSet(
                name="x",
                case_types=["privacy"],
                cases_per_type=1,
                level=1,
                members=[dan.employee_number],
            ),
        )


def test_results_by_case_error_and_learner(session: Session) -> None:
    alice = employee(session, "psr_alice")
    set_id = make_set(session, types=["order-of-draw"])
    attempt = service.start_attempt(session, alice.id, "order-of-draw", set_id=set_id, index=0, now=START)
    service.act(session, attempt, "draw", {"tubes": ["gold-sst", "light-blue"]}, now=START)
    service.finish(session, attempt, now=START)
    work(
        session,
        service.start_attempt(session, alice.id, "order-of-draw", set_id=set_id, index=1, now=START).id,
    )
    practice_set = sets.set_for_trainer(session, user(session, "trainer_tina"), set_id)
    found = sets.results(session, practice_set)
    assert [(r["index"], r["attempts"], r["passed"]) for r in found["by_case"]] == [(0, 1, 0), (1, 1, 1)]
    assert any(
        r["code"] == "citrate-after-activator" and r["severity"] == "critical" for r in found["by_error"]
    )
    learner = found["by_learner"][0]
    assert (learner["name"], learner["done"], learner["passed"], learner["passed_on"]) == (
        alice.name,
        2,
        1,
        None,
    )
    with pytest.raises(Forbidden):
        sets.set_for_trainer(session, user(session, "psr_alice"), set_id)


def test_review_permission_rule(session: Session) -> None:
    alice = employee(session, "psr_alice")
    tina = user(session, "trainer_tina")
    assert (
        can_train(tina) and can_train(user(session, "admin_ada")) and not can_train(user(session, "sup_carl"))
    )
    assert can_review_practice(session, user(session, "psr_alice"), alice, set())
    assert can_review_practice(session, user(session, "admin_ada"), alice, set())
    assert not can_review_practice(session, tina, alice, set())  # not her cohort yet
    assert can_review_practice(session, tina, alice, {tina.id})
    assert not can_review_practice(session, user(session, "sup_carl"), alice, {tina.id})
    assert not can_review_practice(session, user(session, "outsider_dan"), alice, {tina.id})


def test_attempts_drawn_before_the_set_secrets_count_toward_no_pass(session: Session) -> None:
    alice = employee(session, "psr_alice")
    set_id = make_set(session, 2, ["privacy"], 1)
    legacy = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=0, now=START)
    legacy.attempt_number, legacy.case_seed = None, 7  # as migration 0011 leaves one from a public seed
    session.flush()
    assert work(session, legacy.id).passed
    member = session.get_one(PracticeSetMember, (set_id, alice.id))
    assert member.passed_on is None
    assert sets.learner_progress(session, alice.id, [set_id]) == {set_id: {}}
    fresh = service.start_attempt(session, alice.id, "privacy", set_id=set_id, index=0, now=START)
    assert fresh.id != legacy.id and fresh.attempt_number == 1 and fresh.case_seed != legacy.case_seed
    work(session, fresh.id)
    session.refresh(member)
    assert member.passed_on == START.date()
