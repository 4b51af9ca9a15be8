"""Competency ratings: a supervisor's rating and the employee's own, kept as history, shown side by side.

Each save adds rows (never updates one), so the history is the table itself; evidence.levels_for takes the
latest manager rating as the current level.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_manage_employee, can_see_ratings, ensure
from pathways.careers.models import Role, RoleCompetency
from pathways.competencies import level_summary
from pathways.competencies.evidence import levels_for
from pathways.competencies.models import Competency, CompetencyRating
from pathways.errors import BadRequest, Forbidden, shown
from pathways.inbox import service as inbox
from pathways.org.models import Employee, EmploymentStatus

KINDS = ("self", "manager")
MAX_NOTE = 1000
NOT_YOURS = "Competency ratings are seen only by the person, the supervisors above them and administrators."


@dataclass(frozen=True)
class RatingInput:
    competency: str
    level: int
    note: str = ""


@dataclass(frozen=True)
class SideBySide:
    code: str
    name: str
    required: int | None  # by the person's current role
    self_level: int | None
    self_note: str
    self_at: dt.datetime | None
    manager_level: int | None
    manager_note: str
    manager_at: dt.datetime | None
    current: int
    basis: str

    @property
    def differs(self) -> bool:
        return None not in (self.self_level, self.manager_level) and self.self_level != self.manager_level


@dataclass(frozen=True)
class RatingsView:
    employee: Employee
    rows: list[SideBySide]
    history: list[CompetencyRating]
    rater_names: dict[int, str]


def ensure_can_see(session: Session, user: User, employee: Employee) -> None:
    ensure(can_see_ratings(session, user, employee), NOT_YOURS)


def kind_for(session: Session, user: User, employee: Employee, kind: str | None) -> str:
    """Which kind of rating `user` gives `employee`: their own is a self-rating, a report's a manager's."""
    if kind is None:
        kind = "self" if user.employee_id == employee.id else "manager"
    if kind not in KINDS:
        raise BadRequest(f"Unknown rating kind {shown(kind)}. Choose self or manager.")
    if kind == "self" and user.employee_id != employee.id:
        raise Forbidden("Only the person themselves can give a self-rating.")
    if kind == "manager" and not can_manage_employee(session, user, employee):
        raise Forbidden(f"Only a supervisor in {employee.name}'s reporting line (or an admin) can rate them.")
    return kind


def rate(
    session: Session, user: User, employee: Employee, inputs: list[RatingInput], kind: str | None = None
) -> list[CompetencyRating]:
    kind = kind_for(session, user, employee, kind)
    if not inputs:
        raise BadRequest("Rate at least one competency.")
    codes = [item.competency for item in inputs]
    if len(set(codes)) != len(codes):
        raise BadRequest("Each competency can be rated once per save.")
    competencies = {c.code: c for c in session.scalars(select(Competency).where(Competency.code.in_(codes)))}
    unknown = [code for code in codes if code not in competencies]
    if unknown:
        raise BadRequest(f"No competency with code {shown(unknown[0])}.")
    for item in inputs:
        if not 0 <= item.level <= 4:
            raise BadRequest(f"The level for {item.competency} must be between 0 and 4, not {item.level}.")
        if len(item.note) > MAX_NOTE:
            raise BadRequest(f"The note for {item.competency} can be at most {MAX_NOTE} characters.")
    before = {code: current.level for code, current in levels_for(session, employee.id).items()}
    now = dt.datetime.now(dt.UTC)
    saved = []
    for item in inputs:
        rating = CompetencyRating(
            employee_id=employee.id,
            competency_id=competencies[item.competency].id,
            kind=kind,
            level=item.level,
            note=item.note.strip(),
            rated_by_user_id=user.id,
            rated_at=now,
        )
        session.add(rating)
        saved.append(rating)
    session.flush()
    if kind == "manager":  # the latest manager rating is the current level; a self-rating never counts
        level_summary.refresh_levels(session, [employee.id])
    for rating, item in zip(saved, inputs, strict=True):
        audit.record(
            session,
            actor_user_id=user.id,
            action=f"rating.{kind}",
            entity="competency_ratings",
            entity_id=rating.id,
            before={
                "employee_id": employee.id,
                "competency": item.competency,
                "current_level": before.get(item.competency, 0),
            },
            after={
                "employee_id": employee.id,
                "competency": item.competency,
                "kind": kind,
                "level": item.level,
                "note": rating.note,
            },
        )
    if kind == "manager":
        inbox.notify_employee(
            session,
            employee.id,
            "rating",
            f"{user.name} rated {len(saved)} of your competencies. See them beside your own ratings.",
            "/ratings",
        )
    return saved


def ratings_view(session: Session, employee: Employee) -> RatingsView:
    history = list(
        session.scalars(
            select(CompetencyRating)
            .where(CompetencyRating.employee_id == employee.id)
            .options(joinedload(CompetencyRating.competency))
            .order_by(CompetencyRating.rated_at.desc(), CompetencyRating.id.desc())
        )
    )
    latest: dict[tuple[str, str], CompetencyRating] = {}
    for rating in history:  # newest first: keep the first seen
        latest.setdefault((rating.competency.code, rating.kind), rating)
    required = dict(
        session.execute(
            select(Competency.code, RoleCompetency.level)
            .join(RoleCompetency, RoleCompetency.competency_id == Competency.id)
            .join(Role, Role.id == RoleCompetency.role_id)
            .where(Role.id == employee.role_id)
        ).all()
    )
    current = levels_for(session, employee.id)
    rows = []
    for competency in session.scalars(select(Competency).order_by(Competency.position, Competency.name)):
        own, boss = latest.get((competency.code, "self")), latest.get((competency.code, "manager"))
        now = current.get(competency.code)
        rows.append(
            SideBySide(
                code=competency.code,
                name=competency.name,
                required=required.get(competency.code),
                self_level=own.level if own else None,
                self_note=own.note if own else "",
                self_at=own.rated_at if own else None,
                manager_level=boss.level if boss else None,
                manager_note=boss.note if boss else "",
                manager_at=boss.rated_at if boss else None,
                current=now.level if now else 0,
                basis=now.basis if now else "none",
            )
        )
    rater_ids = {r.rated_by_user_id for r in history if r.rated_by_user_id is not None}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(rater_ids))).all())
    return RatingsView(employee, rows, history, names)


# ---------------------------------------------------------------- due again (issue 15, the home page)
# Competence is assessed again every year at many hospitals (the Joint Commission's HR standard allows up to
# three): a supervisor's rating older than this is due for a fresh look.
RATING_VALID_DAYS = 365


@dataclass(frozen=True)
class RatingDue:
    employee_id: int
    name: str
    last_rated: dt.date | None  # None: never rated by a supervisor


def ratings_due(session: Session, employee_ids: list[int], today: dt.date) -> list[RatingDue]:
    """The people among `employee_ids` whose latest supervisor rating is over a year old, or who have
    none: one query, the oldest first (never rated before anything)."""
    if not employee_ids:
        return []
    latest = (
        select(CompetencyRating.employee_id, func.max(CompetencyRating.rated_at).label("rated_at"))
        .where(CompetencyRating.kind == "manager", CompetencyRating.employee_id.in_(employee_ids))
        .group_by(CompetencyRating.employee_id)
        .subquery()
    )
    rows = session.execute(
        select(Employee.id, Employee.name, latest.c.rated_at)
        .outerjoin(latest, latest.c.employee_id == Employee.id)
        .where(Employee.id.in_(employee_ids), Employee.status == EmploymentStatus.ACTIVE)
        .order_by(latest.c.rated_at.is_not(None), latest.c.rated_at, Employee.name)
    )
    cutoff = today - dt.timedelta(days=RATING_VALID_DAYS)
    due = []
    for employee_id, name, rated_at in rows:
        last = rated_at.date() if rated_at is not None else None
        if last is None or last < cutoff:
            due.append(RatingDue(employee_id, name, last))
    return due
