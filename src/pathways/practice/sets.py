"""Practice sets: a trainer's cases for a cohort, their results, and the evidence a passed set records.

A learner passes a set when their latest finished attempt at every case in it passed, each attempt drawn from
the set's secret (case_seeds; attempts from before the secrets count toward no pass). That day the learner's
practice evidence is worked out again (practice.evidence): a competency gets an EvidenceRecord only once
enough passed cases of enough case types add up to a level.
"""

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import (
    can_train,
    ensure,
    owns_practice_set,
    practice_set_owner_filter,
    visible_employee_ids,
)
from pathways.errors import BadRequest, NotFound
from pathways.inbox import service as inbox
from pathways.org.models import Employee
from pathways.practice import evidence
from pathways.practice.cases import CASE_KINDS
from pathways.practice.models import PracticeAttempt, PracticeFinding, PracticeSet, PracticeSetMember

TRAINERS_ONLY = "Only trainers and administrators build practice sets and see cohort results."


class NewSet(BaseModel):
    # A field this API no longer takes (a set's seed: cases are drawn from a server-side secret) is refused,
    # not silently ignored.
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    case_types: list[str] = Field(min_length=1, max_length=len(CASE_KINDS))
    cases_per_type: int = Field(ge=1, le=10)
    level: int = Field(ge=1, le=4)
    members: list[str] = Field(min_length=1, max_length=200)  # employee numbers

    @field_validator("case_types")
    @classmethod
    def known_types(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in CASE_KINDS]
        if unknown:
            raise ValueError(f"unknown case type: {', '.join(unknown)}")
        return list(dict.fromkeys(value))


def ensure_trainer(user: User) -> None:
    ensure(can_train(user), TRAINERS_ONLY)


def cohort_candidates(session: Session, user: User) -> list[Employee]:
    query = select(Employee).where(Employee.id.in_(visible_employee_ids(user)))
    return list(session.scalars(query.order_by(Employee.name)))


def create_set(session: Session, user: User, data: NewSet) -> PracticeSet:
    ensure_trainer(user)
    numbers = list(dict.fromkeys(data.members))
    people = list(
        session.scalars(
            select(Employee).where(
                Employee.employee_number.in_(numbers), Employee.id.in_(visible_employee_ids(user))
            )
        )
    )
    missing = sorted(set(numbers) - {p.employee_number for p in people})
    if missing:
        raise BadRequest(f"Not in your scope or unknown: {', '.join(missing)}.")
    practice_set = PracticeSet(
        name=data.name,
        case_types=data.case_types,
        cases_per_type=data.cases_per_type,
        level=data.level,
        created_by_user_id=user.id,
        members=[PracticeSetMember(employee_id=p.id) for p in people],
    )
    session.add(practice_set)
    session.flush()
    after = data.model_dump() | {"members": sorted(p.employee_number for p in people)}
    audit.record(
        session,
        actor_user_id=user.id,
        action="practice-set.create",
        entity="practice_set",
        entity_id=practice_set.id,
        after=after,
    )
    for person in people:
        inbox.notify_employee(
            session,
            person.id,
            "practice",
            f"New practice set assigned: {data.name}",
            f"/practice#set-{practice_set.id}",
        )
    return practice_set


def load_set(session: Session, set_id: int) -> PracticeSet:
    query = (
        select(PracticeSet)
        .where(PracticeSet.id == set_id)
        .options(selectinload(PracticeSet.members).selectinload(PracticeSetMember.employee))
    )
    practice_set = session.scalar(query)
    if practice_set is None:
        raise NotFound(f"No practice set with id {set_id}.")
    return practice_set


def set_for_trainer(session: Session, user: User, set_id: int) -> PracticeSet:
    ensure_trainer(user)
    practice_set = load_set(session, set_id)
    ensure(
        owns_practice_set(user, practice_set.created_by_user_id), "This practice set is another trainer's."
    )
    return practice_set


def sets_for_trainer(session: Session, user: User) -> list[PracticeSet]:
    ensure_trainer(user)
    query = select(PracticeSet).options(selectinload(PracticeSet.members))
    owner = practice_set_owner_filter(user)
    if owner is not None:
        query = query.where(PracticeSet.created_by_user_id == owner)
    return list(session.scalars(query.order_by(PracticeSet.id.desc())))


def assigned_sets(session: Session, employee_id: int) -> list[PracticeSet]:
    query = select(PracticeSet).join(PracticeSetMember).where(PracticeSetMember.employee_id == employee_id)
    return list(
        session.scalars(query.options(selectinload(PracticeSet.members)).order_by(PracticeSet.id.desc()))
    )


def owners_of_learner_sets(session: Session, employee_id: int) -> set[int]:
    query = (
        select(PracticeSet.created_by_user_id)
        .join(PracticeSetMember)
        .where(PracticeSetMember.employee_id == employee_id)
    )
    return {owner for owner in session.scalars(query) if owner is not None}


def set_cases(practice_set: PracticeSet) -> list[tuple[str, int]]:
    return [(code, index) for code in practice_set.case_types for index in range(practice_set.cases_per_type)]


def latest_attempts(
    session: Session, set_id: int, employee_ids: list[int] | None = None
) -> dict[tuple[int, str, int], PracticeAttempt]:
    """(employee, case type, index) -> the learner's most recent finished attempt at that case that counts
    toward passing the set (drawn from the set's secret)."""
    query = select(PracticeAttempt).where(
        PracticeAttempt.set_id == set_id,
        PracticeAttempt.status == "finished",
        PracticeAttempt.attempt_number.is_not(None),
    )
    if employee_ids is not None:
        query = query.where(PracticeAttempt.employee_id.in_(employee_ids))
    latest: dict[tuple[int, str, int], PracticeAttempt] = {}
    for attempt in session.scalars(query.order_by(PracticeAttempt.id)):
        latest[(attempt.employee_id, attempt.case_type, attempt.case_index or 0)] = attempt
    return latest


def learner_progress(
    session: Session, employee_id: int, set_ids: list[int]
) -> dict[int, dict[tuple[int, str, int], PracticeAttempt]]:
    """Per set: the learner's latest finished attempt at each case that counts toward passing it, in one
    query for all their sets."""
    query = select(PracticeAttempt).where(
        PracticeAttempt.employee_id == employee_id,
        PracticeAttempt.set_id.in_(set_ids),
        PracticeAttempt.status == "finished",
        PracticeAttempt.attempt_number.is_not(None),
    )
    progress: dict[int, dict[tuple[int, str, int], PracticeAttempt]] = {set_id: {} for set_id in set_ids}
    for attempt in session.scalars(query.order_by(PracticeAttempt.id)):
        key = (employee_id, attempt.case_type, attempt.case_index or 0)
        progress[attempt.set_id or 0][key] = attempt
    return progress


def record_if_passed(session: Session, set_id: int, employee_id: int, today: dt.date) -> bool:
    member = session.get(PracticeSetMember, (set_id, employee_id))
    practice_set = session.get(PracticeSet, set_id)
    if member is None or practice_set is None or member.passed_on is not None:
        return False
    latest = latest_attempts(session, set_id, [employee_id])
    cases = set_cases(practice_set)
    if not all((a := latest.get((employee_id, c, i))) is not None and a.passed for c, i in cases):
        return False
    member.passed_on = today
    session.flush()
    raised = evidence.record(session, employee_id, today)
    if raised:
        levels = ", ".join(f"{code} at level {level}" for code, level in sorted(raised.items()))
        message = f"You passed practice set '{practice_set.name}'. Practice evidence recorded: {levels}."
    else:
        message = (
            f"You passed practice set '{practice_set.name}'. Its cases count toward practice evidence, "
            "which needs enough passed cases of enough case types: see how far you are."
        )
    inbox.notify_employee(session, employee_id, "practice", message, "/practice#evidence")
    return True


def results(session: Session, practice_set: PracticeSet) -> dict[str, Any]:
    """Results by case, by error and by learner; a fixed number of queries whatever the cohort's size."""
    attempts = list(
        session.scalars(
            select(PracticeAttempt).where(
                PracticeAttempt.set_id == practice_set.id, PracticeAttempt.status == "finished"
            )
        )
    )
    latest = latest_attempts(session, practice_set.id)
    by_case: dict[tuple[str, int], list[PracticeAttempt]] = defaultdict(list)
    for attempt in attempts:
        by_case[(attempt.case_type, attempt.case_index or 0)].append(attempt)
    case_rows = []
    for code, index in set_cases(practice_set):
        tries = by_case.get((code, index), [])
        case_rows.append(
            {
                "case_type": code,
                "name": CASE_KINDS[code].name,
                "index": index,
                "attempts": len(tries),
                "passed": sum(1 for a in tries if a.passed),
                "mean_score": round(sum(a.score or 0 for a in tries) / len(tries)) if tries else None,
            }
        )
    findings = session.execute(
        select(
            PracticeFinding.code, PracticeFinding.severity, PracticeAttempt.case_type, PracticeFinding.message
        )
        .join(PracticeAttempt, PracticeAttempt.id == PracticeFinding.attempt_id)
        .where(PracticeAttempt.set_id == practice_set.id)
    ).all()
    counts = Counter((code, severity, case_type) for code, severity, case_type, _ in findings)
    example = {(code, severity, case_type): message for code, severity, case_type, message in findings}
    error_rows = [
        {"code": code, "severity": severity, "case_type": case_type, "count": n, "example": example[key]}
        for key, n in counts.most_common()
        for code, severity, case_type in [key]
    ]
    learner_rows = []
    total = len(set_cases(practice_set))
    for member in sorted(practice_set.members, key=lambda m: m.employee.name):
        mine = [a for (e, _, _), a in latest.items() if e == member.employee_id]
        learner_rows.append(
            {
                "employee_id": member.employee_id,
                "name": member.employee.name,
                "employee_number": member.employee.employee_number,
                "cases": total,
                "done": len(mine),
                "passed": sum(1 for a in mine if a.passed),
                "passed_on": member.passed_on,
                "attempts": sorted(mine, key=lambda a: (a.case_type, a.case_index or 0)),
            }
        )
    return {"by_case": case_rows, "by_error": error_rows, "by_learner": learner_rows}
