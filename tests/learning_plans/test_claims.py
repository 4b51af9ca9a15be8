"""Completions marked by hand: an employee's own mark on a required course waits for the supervisor."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.errors import BadRequest, Conflict, Forbidden, NotFound
from pathways.inbox.models import Notification
from pathways.learning import claims
from pathways.learning.models import Completion, CompletionClaim
from tests.learning_plans.conftest import TODAY, course, person, user


def completions(session: Session, who: str, code: str) -> int:
    query = (
        select(func.count())
        .select_from(Completion)
        .where(
            Completion.employee_id == person(session, who).id,
            Completion.course_id == course(session, code).id,
        )
    )
    return session.scalar(query) or 0


def clear(session: Session, who: str, code: str) -> None:
    session.execute(
        Completion.__table__.delete().where(
            Completion.employee_id == person(session, who).id,
            Completion.course_id == course(session, code).id,
        )
    )


def test_own_mark_on_a_required_course_waits_for_the_supervisor(session: Session) -> None:
    clear(session, "psr_alice", "PSR-110")
    alice, me = person(session, "psr_alice"), user(session, "psr_alice")
    first = claims.mark_completed(
        session, me, alice, course(session, "PSR-110"), completed_at=TODAY, score=91, today=TODAY
    )
    again = claims.mark_completed(
        session, me, alice, course(session, "PSR-110"), completed_at=TODAY, score=91, today=TODAY
    )
    assert first.outcome == "awaiting confirmation" and again.claim_id == first.claim_id
    assert completions(session, "psr_alice", "PSR-110") == 0
    carl = user(session, "sup_carl")
    note = session.scalar(select(Notification).where(Notification.user_id == carl.id))
    assert note is not None and "Alice Moreno marked PSR-110" in note.message
    assert note.link == "/learning/confirmations" and note.kind == "confirmation"
    assert [c.id for c in claims.pending_claims(session, carl)] == [first.claim_id]
    assert claims.pending_claims(session, user(session, "sup_sam")) == []

    assert first.claim_id is not None
    with pytest.raises(Forbidden, match="Only Alice Moreno's supervisor"):
        claims.confirm(session, user(session, "lead_bea"), first.claim_id)
    claims.confirm(session, carl, first.claim_id)
    assert completions(session, "psr_alice", "PSR-110") == 1
    with pytest.raises(Conflict, match="already confirmed"):
        claims.confirm(session, carl, first.claim_id)


def test_reject_needs_a_reason_and_tells_the_employee(session: Session) -> None:
    clear(session, "psr_alice", "PSR-120")
    me = user(session, "psr_alice")
    mark = claims.mark_completed(
        session,
        me,
        person(session, "psr_alice"),
        course(session, "PSR-120"),
        completed_at=TODAY,
        score=None,
        today=TODAY,
    )
    assert mark.claim_id is not None
    with pytest.raises(BadRequest, match="Say why"):
        claims.reject(session, user(session, "sup_carl"), mark.claim_id, "  ")
    claims.reject(session, user(session, "sup_carl"), mark.claim_id, "No record in the LMS yet")
    claim = session.get(CompletionClaim, mark.claim_id)
    assert claim is not None and claim.state == "rejected"
    assert completions(session, "psr_alice", "PSR-120") == 0
    told = select(Notification.message).where(Notification.user_id == me.id)
    assert any("No record in the LMS yet" in m for m in session.scalars(told))
    with pytest.raises(NotFound):
        claims.reject(session, user(session, "sup_carl"), 999999, "x")


def test_own_mark_on_a_course_not_required_is_recorded(session: Session) -> None:
    clear(session, "psr_alice", "COMM-110")
    me = user(session, "psr_alice")
    outcome = claims.mark_completed(
        session,
        me,
        person(session, "psr_alice"),
        course(session, "COMM-110"),
        completed_at=TODAY,
        score=80,
        today=TODAY,
    )
    assert outcome.outcome == "recorded"
    again = claims.mark_completed(
        session,
        me,
        person(session, "psr_alice"),
        course(session, "COMM-110"),
        completed_at=TODAY,
        score=80,
        today=TODAY,
    )
    assert again.outcome == "already recorded"
    assert completions(session, "psr_alice", "COMM-110") == 1


def test_a_supervisor_marks_for_a_report_without_confirmation(session: Session) -> None:
    clear(session, "psr_alice", "PSR-110")
    outcome = claims.mark_completed(
        session,
        user(session, "sup_carl"),
        person(session, "psr_alice"),
        course(session, "PSR-110"),
        completed_at=TODAY,
        score=None,
        today=TODAY,
    )
    assert outcome.outcome == "recorded"
    with pytest.raises(Forbidden, match="You can mark your own courses"):
        claims.mark_completed(
            session,
            user(session, "lead_bea"),
            person(session, "psr_alice"),
            course(session, "PSR-120"),
            completed_at=TODAY,
            score=None,
            today=TODAY,
        )
    with pytest.raises(Forbidden):
        claims.mark_completed(
            session,
            user(session, "sup_carl"),
            person(session, "outsider_dan"),
            course(session, "PSR-120"),
            completed_at=TODAY,
            score=None,
            today=TODAY,
        )


@pytest.mark.parametrize(
    ("when", "score", "message"),
    [
        (TODAY + dt.timedelta(days=1), None, "is in the future"),
        (dt.date(1990, 1, 1), None, "before Alice Moreno's hire date"),
        (TODAY, 101, "from 0 to 100"),
        (TODAY, -1, "from 0 to 100"),
    ],
)
def test_bad_marks_change_nothing(session: Session, when: dt.date, score: int | None, message: str) -> None:
    before = session.scalar(select(func.count()).select_from(Completion))
    with pytest.raises(BadRequest, match=message):
        claims.mark_completed(
            session,
            user(session, "psr_alice"),
            person(session, "psr_alice"),
            course(session, "COMM-110"),
            completed_at=when,
            score=score,
            today=TODAY,
        )
    assert session.scalar(select(func.count()).select_from(Completion)) == before
    assert session.scalar(select(func.count()).select_from(CompletionClaim)) == 0
