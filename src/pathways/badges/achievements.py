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


def _courses(session: Session, employee_id: int, today: dt.date) -> Iterator[Earned]:
    latest = (
        select(Completion.course_id, func.max(Completion.completed_at).label("on"))
        .where(Completion.employee_id == employee_id)
        .group_by(Completion.course_id)
        .subquery()
    )
    rows = session.execute(
        select(Course.code, Course.title, Course.summary, Course.valid_for_months, latest.c.on).join(
            latest, latest.c.course_id == Course.id
        )
    )
    for code, title, summary, months, on in rows:
        expires = add_months(on, months) if months else None
        if expires is not None and expires <= today:
            continue
        # A course that must be renewed earns one badge per completion, each valid until it lapses.
        key = f"course:{code}" + (f":{on.isoformat()}" if months else "")
        criteria = f"Completed the course {code} ({title})" + (
            f"; valid for {months} months from completion." if months else "."
        )
        yield Earned(Achievement(key, "course", title, summary, criteria), expires)


def _levels(session: Session, current: dict[str, evidence.CurrentLevel]) -> Iterator[Earned]:
    verified = {c: lv for c, lv in current.items() if lv.basis in VERIFIED_BASES and lv.level >= 1}
    if not verified:
        return
    names = dict(
        session.execute(select(Competency.code, Competency.name).where(Competency.code.in_(verified))).all()
    )
    level_names = dict(session.execute(select(ProficiencyLevel.level, ProficiencyLevel.name)).all())
    for code, level in sorted(verified.items()):
        name = f"{names.get(code, code)}: level {level.level} ({level_names.get(level.level, '')})"
        yield Earned(
            Achievement(
                f"level:{code}:{level.level}",
                "level",
                name,
                f"Reached proficiency level {level.level} in {names.get(code, code)}.",
                f"Level {level.level} of the competency {code}, shown by {level.basis} "
                "(a self-rating never counts).",
            ),
            None,
        )


def _roles(
    session: Session, current: dict[str, evidence.CurrentLevel], completed: set[str]
) -> Iterator[Earned]:
    roles = session.scalars(
        select(Role)
        .options(
            selectinload(Role.requirements).selectinload(RoleCompetency.competency),
            selectinload(Role.required_courses),
        )
        .order_by(Role.position, Role.code)
    )
    for role in roles:
        if not role.requirements and not role.required_courses:
            continue
        levels_met = all(
            (lv := current.get(req.competency.code)) is not None
            and lv.basis in VERIFIED_BASES
            and lv.level >= req.level
            for req in role.requirements
        )
        if levels_met and all(course.code in completed for course in role.required_courses):
            yield Earned(
                Achievement(
                    f"role:{role.code}",
                    "role",
                    f"Ready for {role.name}",
                    f"Holds every requirement of the role {role.name}: {role.summary}",
                    f"Every competency level the role {role.code} requires, on verified evidence, and every "
                    "course it requires, completed and current.",
                ),
                None,
            )


def earned(session: Session, employee_id: int, today: dt.date) -> list[Earned]:
    courses = list(_courses(session, employee_id, today))
    completed = {e.achievement.key.split(":")[1] for e in courses}
    current = evidence.levels_for(session, employee_id)
    return [*courses, *_levels(session, current), *_roles(session, current, completed)]
