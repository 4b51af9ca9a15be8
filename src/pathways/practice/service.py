"""Attempts: start a case, record each learner action as an event, finish and score it."""

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.auth.models import User
from pathways.auth.permissions import can_review_practice, ensure
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound
from pathways.practice import sets as set_service
from pathways.practice.case_seeds import FREE_SEED_LIMIT, free_seed, is_free_seed, set_case_seed
from pathways.practice.cases import kind_for
from pathways.practice.cases.base import Action, Case, Finding
from pathways.practice.models import (
    PracticeAttempt,
    PracticeEvent,
    PracticeFinding,
    PracticeSet,
    PracticeSetMember,
)
from pathways.practice.scoring import Score, score, time_findings

MAX_EVENTS = 200  # a case needs a handful; this only stops runaway clients


def utc(moment: dt.datetime | None = None) -> dt.datetime:
    moment = moment or dt.datetime.now(dt.UTC)
    # SQLite hands back naive datetimes; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def learner_id(user: User) -> int:
    if user.employee_id is None:
        raise Forbidden("The practice desk needs an employee record linked to your account.")
    return user.employee_id


def start_attempt(
    session: Session,
    employee_id: int,
    case_type: str,
    *,
    seed: int | None = None,
    set_id: int | None = None,
    index: int | None = None,
    now: dt.datetime | None = None,
) -> PracticeAttempt:
    """Free practice: the case for `seed` (below FREE_SEED_LIMIT), or one the server draws. A set case: the
    learner's open attempt at it, or a new case drawn from the set's secret (case_seeds), never one seen
    before."""
    kind = kind_for(case_type)
    attempt_number = None
    if set_id is not None:
        if seed is not None:
            raise BadRequest("A practice set's cases are drawn by the server; leave the seed out.")
        index = 0 if index is None else index
        practice_set = set_slot(session, employee_id, set_id, case_type, index)
        open_one, attempt_number = next_set_attempt(session, employee_id, set_id, case_type, index)
        if open_one is not None:
            return open_one  # carry on where the learner left off
        seed = set_case_seed(practice_set.secret, employee_id, case_type, index, attempt_number)
    elif seed is None:
        seed = free_seed()
    elif not is_free_seed(seed):
        raise BadRequest(f"A free-practice seed is a whole number from 0 to {FREE_SEED_LIMIT - 1}.")
    case = kind.generate(seed)
    attempt = PracticeAttempt(
        employee_id=employee_id,
        set_id=set_id,
        case_type=case_type,
        case_seed=seed,
        case_index=index if set_id is not None else None,
        attempt_number=attempt_number,
        snapshot=case.model_dump(mode="json"),
        status="open",
        started_at=utc(now),
        events=[],
        findings=[],
    )
    session.add(attempt)
    session.flush()
    return attempt


def set_slot(session: Session, employee_id: int, set_id: int, case_type: str, index: int) -> PracticeSet:
    practice_set = session.get(PracticeSet, set_id)
    if practice_set is None:
        raise NotFound(f"No practice set with id {set_id}.")
    # Holding the learner's membership row makes two starts of the same case take turns, so they cannot
    # both draw attempt number n (PostgreSQL; SQLite serialises writers anyway).
    member = session.scalar(
        select(PracticeSetMember)
        .where(PracticeSetMember.set_id == set_id, PracticeSetMember.employee_id == employee_id)
        .with_for_update()
    )
    if member is None:
        raise Forbidden("This practice set is not assigned to you.")
    if case_type not in practice_set.case_types or not 0 <= index < practice_set.cases_per_type:
        raise BadRequest(f"Practice set {set_id} has no case {case_type} #{index + 1}.")
    return practice_set


def next_set_attempt(
    session: Session, employee_id: int, set_id: int, case_type: str, index: int
) -> tuple[PracticeAttempt | None, int]:
    """The learner's open attempt at this set case drawn from the secret, if any; else the next number."""
    tries = list(
        session.scalars(
            select(PracticeAttempt)
            .where(
                PracticeAttempt.employee_id == employee_id,
                PracticeAttempt.set_id == set_id,
                PracticeAttempt.case_type == case_type,
                PracticeAttempt.case_index == index,
                PracticeAttempt.attempt_number.is_not(None),
            )
            .order_by(PracticeAttempt.attempt_number)
        )
    )
    open_one = next((a for a in tries if a.status == "open"), None)
    return open_one, (tries[-1].attempt_number or 0) + 1 if tries else 1


def get_attempt(session: Session, attempt_id: int) -> PracticeAttempt:
    query = (
        select(PracticeAttempt)
        .where(PracticeAttempt.id == attempt_id)
        .options(
            selectinload(PracticeAttempt.events),
            selectinload(PracticeAttempt.findings),
            selectinload(PracticeAttempt.employee),
            selectinload(PracticeAttempt.practice_set),
        )
    )
    attempt = session.scalar(query)
    if attempt is None:
        raise NotFound(f"No practice attempt with id {attempt_id}.")
    return attempt


def ensure_can_review(session: Session, user: User, attempt: PracticeAttempt) -> None:
    owners = set_service.owners_of_learner_sets(session, attempt.employee_id)
    allowed = can_review_practice(session, user, attempt.employee, owners)
    ensure(allowed, "You can only see your own practice, or your cohort's if you are their trainer.")


def ensure_own_open(user: User, attempt: PracticeAttempt) -> None:
    ensure(user.employee_id == attempt.employee_id, "Only the learner can work their own case.")
    if attempt.status != "open":
        raise Conflict("This case is finished; start it again to have another go.")


def case_of(attempt: PracticeAttempt) -> Case:
    return Case.model_validate(attempt.snapshot)


def actions_of(attempt: PracticeAttempt) -> list[Action]:
    return [Action(seq=e.seq, kind=e.kind, payload=e.payload) for e in attempt.events]


def act(
    session: Session,
    attempt: PracticeAttempt,
    kind_name: str,
    raw: dict[str, Any],
    now: dt.datetime | None = None,
) -> PracticeEvent:
    if len(attempt.events) >= MAX_EVENTS:
        raise Conflict("This case has reached its limit of actions; finish it.")
    kind = kind_for(attempt.case_type)
    case = case_of(attempt)
    payload = kind.parse(kind_name, raw)
    screened = kind.screen(case, kind_name, payload)
    seq = len(attempt.events) + 1
    history = [*actions_of(attempt), Action(seq=seq, kind=kind_name, payload=screened.payload)]
    response = kind.respond(case, kind_name, screened.payload, history)
    event = PracticeEvent(
        seq=seq,
        kind=kind_name,
        payload=screened.payload,
        response=response,
        findings=[f.model_copy(update={"step": seq}).model_dump(mode="json") for f in screened.findings],
        at=utc(now),
    )
    attempt.events.append(event)
    session.flush()
    return event


def finish(session: Session, attempt: PracticeAttempt, now: dt.datetime | None = None) -> Score:
    if attempt.status != "open":
        raise Conflict("This case is already finished.")
    kind = kind_for(attempt.case_type)
    finished_at = utc(now)
    elapsed = max(0, int((finished_at - utc(attempt.started_at)).total_seconds()))
    findings = [Finding.model_validate(f) for e in attempt.events for f in e.findings]
    findings += kind.grade(case_of(attempt), actions_of(attempt))
    findings += time_findings(kind, elapsed)
    result = score(findings, elapsed)
    for f in findings:
        attempt.findings.append(
            PracticeFinding(
                code=f.code,
                severity=f.severity.value,
                message=f.message,
                competency=f.competency,
                step=f.step,
            )
        )
    attempt.status, attempt.finished_at, attempt.elapsed_seconds = "finished", finished_at, elapsed
    attempt.score, attempt.passed = result.score, result.passed
    attempt.critical_count, attempt.major_count, attempt.minor_count = (
        result.critical,
        result.major,
        result.minor,
    )
    session.flush()
    if attempt.set_id is not None:
        set_service.record_if_passed(session, attempt.set_id, attempt.employee_id, finished_at.date())
    return result


def score_of(attempt: PracticeAttempt) -> Score:
    if attempt.status != "finished" or attempt.score is None:
        raise Conflict("This case is not finished yet, so it has no score.")
    return Score(
        score=attempt.score,
        passed=bool(attempt.passed),
        critical=attempt.critical_count,
        major=attempt.major_count,
        minor=attempt.minor_count,
        elapsed_seconds=attempt.elapsed_seconds or 0,
    )


def attempts_of(session: Session, employee_id: int, limit: int = 50) -> list[PracticeAttempt]:
    query = select(PracticeAttempt).where(PracticeAttempt.employee_id == employee_id)
    return list(session.scalars(query.order_by(PracticeAttempt.id.desc()).limit(limit)))


def replay(attempt: PracticeAttempt) -> list[dict[str, Any]]:
    """The attempt step by step: what was done, when (seconds from the start), and what it drew. Until the
    case is finished, only what was found at once (card data typed, say) is known."""
    started = utc(attempt.started_at)
    by_step: dict[int | None, list[dict[str, Any]]] = {}
    if attempt.status == "finished":
        for f in attempt.findings:
            by_step.setdefault(f.step, []).append(
                {"code": f.code, "severity": f.severity, "message": f.message}
            )
    else:
        for e in attempt.events:
            by_step[e.seq] = [{k: f[k] for k in ("code", "severity", "message")} for f in e.findings]
    return [
        {
            "seq": e.seq,
            "kind": e.kind,
            "payload": e.payload,
            "response": e.response,
            "seconds": int((utc(e.at) - started).total_seconds()),
            "findings": by_step.get(e.seq, []),
        }
        for e in attempt.events
    ]
