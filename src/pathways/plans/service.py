"""Loads what the planner needs from the database and turns its answer into something to show.

The planner itself (pathways.planning) is pure; this is the thin layer that feeds it.
"""

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.careers.models import PathEdge, Role, RoleCompetency
from pathways.certifications import service as certifications
from pathways.competencies import evidence
from pathways.errors import BadRequest, NotFound, shown
from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.planning import model as planning
from pathways.planning import time_in_role
from pathways.planning.planner import PlanWithSchedule, plan_for
from pathways.plans.schemas import GapOut, MissingCourseOut, PlannedCourseOut, PlanOut
from pathways.plans.wording import PlanWords, plan_words


def catalog(session: Session) -> tuple[dict[str, planning.Course], dict[str, Course]]:
    query = select(Course).options(selectinload(Course.competencies), selectinload(Course.prerequisites))
    rows = {course.code: course for course in session.scalars(query)}
    courses = {
        code: planning.Course(
            code=code,
            hours=course.hours,
            level=course.level,
            competencies=frozenset(c.code for c in course.competencies),
            prerequisites=tuple(p.code for p in course.prerequisites),
        )
        for code, course in rows.items()
    }
    return courses, rows


def targets(session: Session, codes: list[str]) -> list[planning.Target]:
    unique = list(dict.fromkeys(codes))
    query = (
        select(Role)
        .where(Role.code.in_(unique))
        .options(
            selectinload(Role.requirements).selectinload(RoleCompetency.competency),
            selectinload(Role.required_courses),
        )
    )
    roles = {role.code: role for role in session.scalars(query)}
    unknown = [code for code in unique if code not in roles]
    if unknown:
        raise NotFound(f"No role with code {', '.join(shown(c) for c in unknown)}.")
    return [
        planning.Target(
            code=code,
            competencies={r.competency.code: r.level for r in roles[code].requirements},
            required_courses=frozenset(c.code for c in roles[code].required_courses),
        )
        for code in unique
    ]


def learner(
    session: Session, employee: Employee, in_progress: list[str], today: dt.date | None = None
) -> planning.Learner:
    # The levels by the one shared rule (the latest manager rating, else the highest evidence), which
    # already count every completed course, expired or not; the planner takes them as they are.
    levels = evidence.levels_for(session, employee.id)
    completed, expired = evidence.completion_status(session, employee.id, today)
    return planning.Learner(
        completed=frozenset(completed),
        levels={code: current.level for code, current in levels.items()},
        in_progress=frozenset(in_progress),
        expired=frozenset(expired),
    )


def started(session: Session, employee: Employee) -> list[str]:
    """What a what-if starts from: the courses the employee has started and not completed since."""
    return sorted(evidence.started_courses(session, employee.id))


def optimize(
    session: Session,
    employee: Employee,
    role_codes: list[str],
    hours_per_week: Decimal = Decimal(3),
    in_progress: list[str] | None = None,
    today: dt.date | None = None,
) -> PlanOut:
    """`in_progress`: the courses to take as already started; None takes those the employee marked started."""
    courses, rows = catalog(session)
    if in_progress is None:
        in_progress = started(session, employee)
    unknown = [code for code in in_progress if code not in courses]
    if unknown:
        raise BadRequest(f"in_progress: no course with code {', '.join(shown(c) for c in unknown)}.")
    today = today or dt.date.today()
    result = plan_for(
        courses,
        learner(session, employee, in_progress, today),
        targets(session, role_codes),
        start=today,
        hours_per_week=hours_per_week,
    )
    words = plan_words(session, {code: course.title for code, course in rows.items()})
    ready = readiness(session, employee, role_codes, result, today)
    return describe(employee.id, result, rows, words, ready)


def lattice_edges(session: Session) -> dict[tuple[int, int], int]:
    """Every move of the lattice (a few dozen rows) by role id, with its typical months in role."""
    rows = session.execute(select(PathEdge.from_role_id, PathEdge.to_role_id, PathEdge.typical_months))
    return {(source, destination): months for source, destination, months in rows}


def readiness(
    session: Session, employee: Employee, role_codes: list[str], result: PlanWithSchedule, today: dt.date
) -> time_in_role.Readiness:
    """The course plan's date, held back by the lattice's time in role and the targets' certifications."""
    roles = list(session.scalars(select(Role).where(Role.code.in_(role_codes))))
    held = certifications.standings(session, [employee.id], today).get(employee.id, {})
    missing = [name for role in roles for name in certifications.missing_required(role.certifications, held)]
    return time_in_role.readiness(
        result.readiness_date,
        edges=lattice_edges(session),
        current_role=employee.role_id,
        role_since=employee.role_since,
        targets=[role.id for role in roles],
        missing_certifications=list(dict.fromkeys(missing)),
    )


def describe(
    employee_id: int,
    result: PlanWithSchedule,
    rows: dict[str, Course],
    words: PlanWords,
    ready: time_in_role.Readiness,
) -> PlanOut:
    plan, schedule = result.plan, result.schedule
    placed = {s.code: s for s in schedule.courses}
    courses = []
    for planned in plan.courses:
        slot = placed[planned.code]
        courses.append(
            PlannedCourseOut(
                code=planned.code,
                title=rows[planned.code].title,
                hours=float(planned.hours),
                level=planned.level,
                modality=rows[planned.code].modality,
                in_progress=planned.in_progress,
                reasons=[words.reason(reason) for reason in planned.reasons],
                serves=sorted(planned.targets),
                first_week=slot.start_week,
                last_week=slot.end_week,
                starts_on=schedule.start + dt.timedelta(weeks=slot.start_week - 1),
                ends_on=schedule.start + dt.timedelta(weeks=slot.end_week, days=-1),
            )
        )
    return PlanOut(
        employee_id=employee_id,
        roles=list(plan.targets),
        hours_per_week=float(schedule.hours_per_week),
        courses=courses,
        total_hours=float(plan.total_hours),
        course_count=len(plan.courses),
        proved_optimal=plan.proved_optimal,
        bound_hours=float(plan.bound_hours),
        solver_status=plan.status,
        solve_ms=round(plan.solve_seconds * 1000, 1),
        weeks_needed=schedule.weeks_needed,
        readiness_date=ready.on,
        readiness_binds=ready.binds,
        readiness_explanation=ready.explanation,
        courses_ready_date=ready.courses_on,
        time_in_role_ready_date=ready.time_on,
        lattice_months=ready.lattice_months,
        missing_certifications=list(ready.missing_certifications),
        shared_courses=[c.code for c in plan.shared],
        unclosable_gaps=[
            GapOut(
                competency=g.competency,
                required_level=g.required_level,
                current_level=g.current_level,
                role=g.target,
                best_course_level=g.best_course_level,
                message=words.unclosable(g),
            )
            for g in plan.unclosable
        ],
        missing_courses=[
            MissingCourseOut(code=m.code, role=m.target, message=words.missing(m)) for m in plan.missing
        ],
    )


def employee_by_email(session: Session, email: str) -> Employee:
    employee = session.scalar(select(Employee).where(Employee.email == email.strip().lower()))
    if employee is None:
        raise NotFound(f"No employee with email {email.strip().lower()}.")
    return employee
