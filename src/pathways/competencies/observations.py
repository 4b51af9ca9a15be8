"""Coaching observations: a site lead's short note on one competency at one level.

An Observation row is competency evidence as it stands (competencies.evidence reads it); writing one also
brings the person's level summary up to date (competencies.level_summary), in the same transaction.
"""

import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_coach, ensure
from pathways.competencies import level_summary
from pathways.competencies import service as competencies
from pathways.competencies.levels import LevelWords
from pathways.competencies.models import Competency, Observation
from pathways.errors import BadRequest
from pathways.inbox import service as inbox
from pathways.org.models import Employee

MAX_NOTE = 1000
OBSERVERS_ONLY = (
    "Observations are written by the person's site lead, a supervisor in their reporting line or an admin."
)


def observe(
    session: Session,
    user: User,
    employee: Employee,
    *,
    competency_code: str,
    level: int,
    note: str,
    observed_on: dt.date,
    today: dt.date,
) -> Observation:
    ensure(can_coach(session, user, employee), OBSERVERS_ONLY)
    competency = competencies.get_competency(session, competency_code, with_levels=False)
    note = " ".join((note or "").split())
    if not note:
        raise BadRequest("Write a short note of what you saw.")
    if len(note) > MAX_NOTE:
        raise BadRequest(f"The note can be at most {MAX_NOTE} characters.")
    if not 1 <= level <= 4:
        raise BadRequest(f"The level must be between 1 and 4, not {level}.")
    if observed_on > today:
        raise BadRequest("An observation cannot be dated in the future.")
    if observed_on < today - dt.timedelta(days=366):
        raise BadRequest("An observation must be from the last twelve months.")
    observation = Observation(
        employee_id=employee.id,
        competency=competency,
        level=level,
        note=note,
        observed_by_user_id=user.id,
        observed_on=observed_on,
    )
    session.add(observation)
    session.flush()
    level_summary.refresh_levels(session, [employee.id])
    audit.record(
        session,
        actor_user_id=user.id,
        action="observation.create",
        entity="observations",
        entity_id=observation.id,
        after={
            "employee_id": employee.id,
            "competency": competency.code,
            "level": level,
            "observed_on": observed_on.isoformat(),
            "note": note,
        },
    )
    inbox.notify_employee(
        session,
        employee.id,
        "observation",
        f"{user.name} noted {competency.name} at {LevelWords(lambda: session).name(level)}: {note[:120]}",
        "/ratings",
    )
    return observation


def observations_of(
    session: Session, ids: Select[int] | list[int], limit: int = 200, since: dt.date | None = None
) -> list[Observation]:
    query = select(Observation).where(Observation.employee_id.in_(ids))
    if since is not None:
        query = query.where(Observation.observed_on >= since)
    query = query.options(joinedload(Observation.competency))
    return list(
        session.scalars(query.order_by(Observation.observed_on.desc(), Observation.id.desc()).limit(limit))
    )


def observer_names(session: Session, observations: list[Observation]) -> dict[int, str]:
    ids = {o.observed_by_user_id for o in observations if o.observed_by_user_id is not None}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def employee_names(session: Session, observations: list[Observation]) -> dict[int, str]:
    ids = {o.employee_id for o in observations}
    return dict(session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(ids))).all())


def competency_choices(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Competency.code, Competency.name).order_by(Competency.position, Competency.name)
    )
    return [(code, name) for code, name in rows]
