"""What a person has earned, as achievements: completed courses, competency levels reached on verified
evidence, and roles whose every requirement they hold. Read only; service.py issues the badges."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pathways.badges.credentials import Achievement
from pathways.careers.models import Role, RoleCompetency
from pathways.competencies import evidence
from pathways.competencies.models import Competency, ProficiencyLevel
from pathways.learning.models import Completion, Course
from pathways.learning.requirements import add_months

# What counts as verified: a manager's rating or recorded evidence (courses, observations, practice), as the
# one rule in competencies.evidence decides; a self-rating never does.
VERIFIED_BASES = ("manager rating", "evidence")


@dataclass(frozen=True)
class Earned:
    achievement: Achievement
    expires_on: dt.date | None


def course_achievement(key: str, code: str, title: str, summary: str, months: int | None) -> Achievement:
    criteria = f"Completed the course {code} ({title})" + (
        f"; valid for {months} months from completion." if months else "."
    )
    return Achievement(key, "course", title, summary, criteria)


def level_achievement(code: str, name: str, level: int, level_name: str) -> Achievement:
    return Achievement(
        f"level:{code}:{level}",
        "level",
        f"{name}: level {level} ({level_name})",
        f"Reached proficiency level {level} in {name}.",
        f"Level {level} of the competency {code}, shown by a manager's rating or recorded evidence (courses, "
        "observations, the practice desk); a self-rating never counts.",
    )


def role_achievement(role: Role) -> Achievement:
    return Achievement(
        f"role:{role.code}",
        "role",
        f"Ready for {role.name}",
        f"Holds every requirement of the role {role.name}: {role.summary}",
        f"Every competency level the role {role.code} requires, on verified evidence, and every course "
        "it requires, completed and current.",
    )


def _courses(session: Session, ids: list[int], today: dt.date) -> dict[int, list[Earned]]:
    rows = session.execute(
        select(
            Completion.employee_id,
            Course.code,
            Course.title,
            Course.summary,
            Course.valid_for_months,
            func.max(Completion.completed_at),
        )
        .join(Course, Course.id == Completion.course_id)
        .where(Completion.employee_id.in_(ids))
        .group_by(Completion.employee_id, Course.id, Course.code, Course.title, Course.summary)
        .group_by(Course.valid_for_months)
    )
    found: dict[int, list[Earned]] = {}
    for employee_id, code, title, summary, months, on in rows:
        expires = add_months(on, months) if months else None
        if expires is not None and expires <= today:
            continue
        # A course that must be renewed earns one badge per completion, each valid until it lapses.
        key = f"course:{code}" + (f":{on.isoformat()}" if months else "")
        earned = Earned(course_achievement(key, code, title, summary, months), expires)
        found.setdefault(employee_id, []).append(earned)
    return found


@dataclass(frozen=True)
class _Framework:
    competency_names: dict[str, str]
    level_names: dict[int, str]
    roles: list[Role]


def _framework(session: Session) -> _Framework:
    roles = session.scalars(
        select(Role)
        .options(
            selectinload(Role.requirements).selectinload(RoleCompetency.competency),
            selectinload(Role.required_courses),
        )
        .order_by(Role.position, Role.code)
    )
    return _Framework(
        dict(session.execute(select(Competency.code, Competency.name)).all()),
        dict(session.execute(select(ProficiencyLevel.level, ProficiencyLevel.name)).all()),
        [role for role in roles if role.requirements or role.required_courses],
    )


def _levels(framework: _Framework, current: dict[str, evidence.CurrentLevel]) -> Iterator[Earned]:
    for code, level in sorted(current.items()):
        if level.basis in VERIFIED_BASES and level.level >= 1:
            name = framework.competency_names.get(code, code)
            level_name = framework.level_names.get(level.level, "")
            yield Earned(level_achievement(code, name, level.level, level_name), None)


def _roles(
    framework: _Framework, current: dict[str, evidence.CurrentLevel], completed: set[str]
) -> Iterator[Earned]:
    for role in framework.roles:
        levels_met = all(
            (lv := current.get(req.competency.code)) is not None
            and lv.basis in VERIFIED_BASES
            and lv.level >= req.level
            for req in role.requirements
        )
        if levels_met and all(course.code in completed for course in role.required_courses):
            yield Earned(role_achievement(role), None)


def earned_for_many(session: Session, ids: list[int], today: dt.date) -> dict[int, list[Earned]]:
    """What each person has earned, in a fixed number of queries whatever the number of people."""
    courses = _courses(session, ids, today)
    levels = evidence.levels_for_many(session, ids)
    framework = _framework(session)
    found = {}
    for employee_id in ids:
        mine = courses.get(employee_id, [])
        completed = {e.achievement.key.split(":")[1] for e in mine}
        current = levels.get(employee_id, {})
        found[employee_id] = [*mine, *_levels(framework, current), *_roles(framework, current, completed)]
    return found


def earned(session: Session, employee_id: int, today: dt.date) -> list[Earned]:
    return earned_for_many(session, [employee_id], today)[employee_id]


def describe(session: Session, key: str) -> Achievement | None:
    """The achievement an achievement id names (course:CODE[:DATE], level:CODE:N, role:CODE), from the
    framework as it stands; None when it names nothing."""
    kind, _, rest = key.partition(":")
    if kind == "course":
        course = session.scalar(select(Course).where(Course.code == rest.split(":")[0]))
        if course is None:
            return None
        return course_achievement(key, course.code, course.title, course.summary, course.valid_for_months)
    if kind == "level":
        code, _, number = rest.rpartition(":")
        competency = session.scalar(select(Competency).where(Competency.code == code))
        level = session.get(ProficiencyLevel, int(number)) if number.isdigit() and len(number) < 3 else None
        if competency is None or level is None:
            return None
        return level_achievement(code, competency.name, level.level, level.name)
    if kind == "role":
        role = session.scalar(select(Role).where(Role.code == rest))
        return role_achievement(role) if role is not None else None
    return None
