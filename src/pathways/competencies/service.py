from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.careers.models import Role, RoleCompetency
from pathways.competencies.models import Competency, ProficiencyLevel
from pathways.errors import NotFound, shown

KINDS = {"framework": "Framework competencies", "technical": "Technical competencies"}


@dataclass(frozen=True)
class RoleRequirement:
    role_code: str
    role_name: str
    level: int


def proficiency_scale(session: Session) -> list[ProficiencyLevel]:
    return list(session.scalars(select(ProficiencyLevel).order_by(ProficiencyLevel.level)))


def level_names(session: Session) -> dict[int, str]:
    return {level.level: level.name for level in proficiency_scale(session)}


def list_competencies(session: Session, with_levels: bool = False) -> list[Competency]:
    query = select(Competency).order_by(Competency.position, Competency.name)
    if with_levels:
        query = query.options(selectinload(Competency.levels))
    return list(session.scalars(query))


def grouped_by_kind(competencies: list[Competency]) -> dict[str, list[Competency]]:
    groups: dict[str, list[Competency]] = {kind: [] for kind in KINDS}
    for competency in competencies:
        groups.setdefault(competency.kind, []).append(competency)
    return groups


def get_competency(session: Session, code: str, with_levels: bool = True) -> Competency:
    query = select(Competency).where(Competency.code == code)
    if with_levels:
        query = query.options(selectinload(Competency.levels))
    competency = session.scalar(query)
    if competency is None:
        raise NotFound(f"No competency with code {shown(code)}.")
    return competency


def roles_requiring(session: Session, competency: Competency) -> list[RoleRequirement]:
    rows = session.execute(
        select(Role.code, Role.name, RoleCompetency.level)
        .join(RoleCompetency, RoleCompetency.role_id == Role.id)
        .where(RoleCompetency.competency_id == competency.id)
        .order_by(Role.position, Role.name)
    )
    return [RoleRequirement(role_code=code, role_name=name, level=level) for code, name, level in rows]
