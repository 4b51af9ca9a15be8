from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from pathways.careers.lattice import LatticeEdge, LatticeRole, family_label, layout_lattice, render_svg
from pathways.careers.models import PathEdge, Role, RoleCompetency
from pathways.competencies.models import Competency, ProficiencyLevel
from pathways.errors import BadRequest, NotFound, shown
from pathways.learning.models import Course, course_competencies
from pathways.stories import service as stories
from pathways.stories.models import Story


@dataclass(frozen=True)
class Requirement:
    competency: Competency
    level: int
    level_name: str


# Per required competency, the role page lists this many courses; the catalog, filtered by the competency,
# has the rest. A catalog of hundreds of courses would otherwise put hundreds of rows on the page.
SHOWN_PER_COMPETENCY = 3


@dataclass(frozen=True)
class CourseOption:
    code: str
    title: str
    level: int
    modality: str
    hours: Decimal


@dataclass(frozen=True)
class BuildingCourses:
    """The shortest courses that build one required competency up to the role's level, and how many do."""

    requirement: Requirement
    shortest: list[CourseOption]
    total: int


@dataclass(frozen=True)
class RoleProfile:
    role: Role
    requirements: list[Requirement]
    leads_to: list[PathEdge]
    comes_from: list[PathEdge]
    building_courses: list[BuildingCourses]
    stories: list[Story]
    level_names: dict[int, str]


@dataclass(frozen=True)
class CompetencyComparison:
    competency: Competency
    level_a: int | None
    level_b: int | None
    level_name_a: str | None
    level_name_b: str | None
    # A text marker for the difference ("Higher in PSR II"), so it is never shown by colour alone.
    note: str | None

    @property
    def differs(self) -> bool:
        return self.level_a != self.level_b


@dataclass(frozen=True)
class RoleComparison:
    a: Role
    b: Role
    competencies: list[CompetencyComparison]

    @property
    def pay_differs(self) -> bool:
        return (self.a.pay_low, self.a.pay_high, self.a.pay_currency, self.a.pay_period) != (
            self.b.pay_low,
            self.b.pay_high,
            self.b.pay_currency,
            self.b.pay_period,
        )


def list_roles(session: Session) -> list[Role]:
    return list(session.scalars(select(Role).order_by(Role.position, Role.name)))


def list_edges(session: Session) -> list[PathEdge]:
    statement = (
        select(PathEdge)
        .join(PathEdge.from_role)
        .options(joinedload(PathEdge.from_role), joinedload(PathEdge.to_role))
        .order_by(Role.position, PathEdge.typical_months, PathEdge.id)
    )
    return list(session.scalars(statement))


def roles_by_family(roles: list[Role]) -> list[tuple[str, list[Role]]]:
    families: dict[str, list[Role]] = {}
    for role in roles:
        families.setdefault(role.family, []).append(role)
    return [(family_label(family), members) for family, members in families.items()]


def level_names(session: Session) -> dict[int, str]:
    return {
        level: name for level, name in session.execute(select(ProficiencyLevel.level, ProficiencyLevel.name))
    }


def get_role(session: Session, code: str) -> Role:
    statement = (
        select(Role)
        .where(Role.code == code)
        .options(
            selectinload(Role.requirements).joinedload(RoleCompetency.competency),
            selectinload(Role.required_courses),
        )
    )
    role = session.scalars(statement).one_or_none()
    if role is None:
        raise NotFound(f"No role with code {shown(code)}.")
    return role


def edges_touching(session: Session, role: Role) -> tuple[list[PathEdge], list[PathEdge]]:
    statement = (
        select(PathEdge)
        .where(or_(PathEdge.from_role_id == role.id, PathEdge.to_role_id == role.id))
        .options(joinedload(PathEdge.from_role), joinedload(PathEdge.to_role))
        .order_by(PathEdge.typical_months, PathEdge.id)
    )
    edges = list(session.scalars(statement))
    return [e for e in edges if e.from_role_id == role.id], [e for e in edges if e.to_role_id == role.id]


def courses_building(session: Session, requirements: list[Requirement]) -> list[BuildingCourses]:
    """For each requirement, the courses that build its competency at least to the required level, shortest
    first (a course that stops below the level does not close the gap). One query of plain rows."""
    wanted = {r.competency.id: r for r in requirements}
    if not wanted:
        return []
    rows = session.execute(
        select(
            course_competencies.c.competency_id, Course.code, Course.title, Course.level, Course.modality,
            Course.hours,
        )
        .join(Course, Course.id == course_competencies.c.course_id)
        .where(course_competencies.c.competency_id.in_(wanted))
    )  # fmt: skip
    options: dict[int, list[CourseOption]] = {competency_id: [] for competency_id in wanted}
    for competency_id, code, title, level, modality, hours in rows:
        if level >= wanted[competency_id].level:
            options[competency_id].append(CourseOption(code, title, level, modality, hours))
    result = []
    for requirement in requirements:
        found = sorted(options[requirement.competency.id], key=lambda o: (o.hours, o.level, o.code))
        result.append(BuildingCourses(requirement, found[:SHOWN_PER_COMPETENCY], len(found)))
    return result


def role_profile(session: Session, code: str) -> RoleProfile:
    role = get_role(session, code)
    names = level_names(session)
    requirements = [
        Requirement(r.competency, r.level, names.get(r.level, f"Level {r.level}")) for r in role.requirements
    ]
    leads_to, comes_from = edges_touching(session, role)
    building = courses_building(session, requirements)
    return RoleProfile(
        role, requirements, leads_to, comes_from, building, stories.stories_about(session, role), names
    )


def compare_roles(session: Session, code_a: str, code_b: str) -> RoleComparison:
    if code_a == code_b:
        raise BadRequest("Choose two different roles to compare.")
    a, b = get_role(session, code_a), get_role(session, code_b)
    names = level_names(session)
    levels_a = {r.competency_id: r.level for r in a.requirements}
    levels_b = {r.competency_id: r.level for r in b.requirements}
    competencies = {r.competency_id: r.competency for r in [*a.requirements, *b.requirements]}
    rows = []
    for competency in sorted(competencies.values(), key=lambda c: (c.position, c.name)):
        level_a, level_b = levels_a.get(competency.id), levels_b.get(competency.id)
        rows.append(
            CompetencyComparison(
                competency,
                level_a,
                level_b,
                names.get(level_a) if level_a else None,
                names.get(level_b) if level_b else None,
                difference_note(a.name, level_a, b.name, level_b),
            )
        )
    return RoleComparison(a, b, rows)


def difference_note(name_a: str, level_a: int | None, name_b: str, level_b: int | None) -> str | None:
    if level_a == level_b:
        return None
    if level_b is None:
        return f"Only {name_a} requires it"
    if level_a is None:
        return f"Only {name_b} requires it"
    return f"Higher in {name_a}" if level_a > level_b else f"Higher in {name_b}"


def lattice_svg(roles: list[Role], edges: list[PathEdge]) -> str:
    layout = layout_lattice(
        [LatticeRole(r.code, r.name, r.family) for r in roles],
        [LatticeEdge(e.from_role.code, e.to_role.code) for e in edges],
    )
    description = (
        f"{len(roles)} roles, each a link to its profile, and {len(edges)} moves between them as arrows. "
        "Entry roles are on the left; moves lead to the right. The same moves are listed in the table below."
    )
    return render_svg(layout, "The career lattice", description)
