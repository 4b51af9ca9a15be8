"""Changing and deleting a practice set after it was built.

The rules keep learners' work meaningful: once anyone has started a case in a set, its cases (types and count)
and the level it evidences are fixed, since the attempts and any evidence already recorded were earned
against them; learners who have attempts stay in the set, so their history stays with its results and their
trainer can still replay it; and a set with attempts is never deleted (that would erase the attempts with
it). Names and new learners can change at any time.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import visible_employee_ids
from pathways.errors import BadRequest, Conflict
from pathways.inbox import service as inbox
from pathways.org.models import Employee
from pathways.practice.cases import CASE_KINDS
from pathways.practice.models import PracticeAttempt, PracticeSet, PracticeSetMember
from pathways.practice.sets import set_for_trainer

PLAN_FIELDS = ("case_types", "cases_per_type", "level")


class SetChanges(BaseModel):
    """Only the fields given change; an unknown field is refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=120)
    case_types: list[str] | None = Field(default=None, min_length=1, max_length=len(CASE_KINDS))
    cases_per_type: int | None = Field(default=None, ge=1, le=10)
    level: int | None = Field(default=None, ge=1, le=4)
    members: list[str] | None = Field(default=None, min_length=1, max_length=200)  # the whole new list

    @field_validator("name")
    @classmethod
    def not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the name cannot be blank")
        return value.strip() if value is not None else None

    @field_validator("case_types")
    @classmethod
    def known_types(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = [c for c in value if c not in CASE_KINDS]
        if unknown:
            raise ValueError(f"unknown case type: {', '.join(unknown)}")
        return list(dict.fromkeys(value))


def lock(session: Session, set_id: int) -> None:
    # On PostgreSQL a new attempt takes a key-share lock on its set's row, so holding the row here means no
    # attempt can appear between counting them and changing or deleting the set. SQLite serialises writers.
    session.execute(select(PracticeSet.id).where(PracticeSet.id == set_id).with_for_update())


def attempt_counts(session: Session, set_id: int) -> dict[int, int]:
    """Employee id -> attempts (open or finished) in the set."""
    query = (
        select(PracticeAttempt.employee_id, func.count())
        .where(PracticeAttempt.set_id == set_id)
        .group_by(PracticeAttempt.employee_id)
    )
    return {employee_id: n for employee_id, n in session.execute(query).all()}


def snapshot(practice_set: PracticeSet) -> dict[str, Any]:
    return {
        "name": practice_set.name,
        "case_types": list(practice_set.case_types),
        "cases_per_type": practice_set.cases_per_type,
        "level": practice_set.level,
        "members": sorted(m.employee.employee_number for m in practice_set.members),
    }


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def update_set(session: Session, user: User, set_id: int, changes: SetChanges) -> PracticeSet:
    practice_set = set_for_trainer(session, user, set_id)
    lock(session, set_id)
    before = snapshot(practice_set)
    worked = attempt_counts(session, set_id)
    given = changes.model_dump(exclude_none=True)
    altered = [f for f in PLAN_FIELDS if f in given and given[f] != before[f]]
    if altered and worked:
        attempts = sum(worked.values())
        raise Conflict(
            f"Learners have already worked cases in this set ({plural(attempts, 'attempt')}), so its "
            f"{', '.join(f.replace('_', ' ') for f in altered)} cannot change: their results and evidence "
            "were earned against these cases. Build a new set instead."
        )
    added: list[Employee] = []
    if changes.members is not None:
        added = change_members(session, user, practice_set, changes.members, worked)
    if changes.name is not None:
        practice_set.name = changes.name
    for field in altered:
        setattr(practice_set, field, given[field])
    session.flush()
    after = snapshot(practice_set)
    if after != before:
        audit.record(
            session,
            actor_user_id=user.id,
            action="practice-set.update",
            entity="practice_set",
            entity_id=practice_set.id,
            before=before,
            after=after,
        )
    for person in added:
        inbox.notify_employee(
            session,
            person.id,
            "practice",
            f"New practice set assigned: {practice_set.name}",
            f"/practice#set-{practice_set.id}",
        )
    return practice_set


def change_members(
    session: Session, user: User, practice_set: PracticeSet, numbers: list[str], worked: dict[int, int]
) -> list[Employee]:
    """Make the set's learners exactly `numbers`; returns the people added."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not wanted:
        raise BadRequest("A practice set needs at least one learner.")
    current = {m.employee.employee_number: m for m in practice_set.members}
    kept_with_work = [
        m for number, m in current.items() if number not in wanted and worked.get(m.employee_id)
    ]
    if kept_with_work:
        names = ", ".join(f"{m.employee.name} ({m.employee.employee_number})" for m in kept_with_work)
        raise Conflict(
            f"These learners have already worked cases in this set and stay in it, so their attempts stay "
            f"with its results: {names}."
        )
    new_numbers = [n for n in wanted if n not in current]
    people = list(
        session.scalars(
            select(Employee).where(
                Employee.employee_number.in_(new_numbers), Employee.id.in_(visible_employee_ids(user))
            )
        )
    )
    missing = sorted(set(new_numbers) - {p.employee_number for p in people})
    if missing:
        raise BadRequest(f"Not in your scope or unknown: {', '.join(missing)}.")
    for number, member in current.items():
        if number not in wanted:
            practice_set.members.remove(member)
    practice_set.members.extend(PracticeSetMember(employee_id=p.id, employee=p) for p in people)
    return people


def delete_set(session: Session, user: User, set_id: int) -> None:
    practice_set = set_for_trainer(session, user, set_id)
    lock(session, set_id)
    worked = attempt_counts(session, set_id)
    if worked:
        attempts, learners = sum(worked.values()), len(worked)
        raise Conflict(
            f"'{practice_set.name}' cannot be deleted: {plural(learners, 'learner')} "
            f"{'has' if learners == 1 else 'have'} {plural(attempts, 'attempt')} in it, and deleting the set "
            "would erase that history. Rename it or leave it as it is."
        )
    audit.record(
        session,
        actor_user_id=user.id,
        action="practice-set.delete",
        entity="practice_set",
        entity_id=practice_set.id,
        before=snapshot(practice_set),
    )
    session.delete(practice_set)
    session.flush()
