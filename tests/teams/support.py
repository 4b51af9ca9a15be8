"""Helpers for the teams tests: the demo people by name, extra synthetic staff."""

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.careers.models import PathEdge, Role, role_required_courses
from pathways.competencies import level_summary
from pathways.competencies.models import Competency, CompetencyRating, EvidenceRecord, Observation
from pathways.learning.models import Assignment, Completion, CompletionClaim, Course, CourseStart
from pathways.org.models import Employee
from pathways.trackers.models import CareerTracker

TODAY = dt.date.today()


def user(session: Session, who: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def person(session: Session, who: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.email == f"{who}@pathways.example"))
    assert found is not None, who
    return found


def role_id(session: Session, code: str) -> int:
    found = session.scalar(select(Role.id).where(Role.code == code))
    assert found is not None, code
    return found


def hire(
    session: Session, manager: Employee, count: int, role: str = "psr-2", prefix: str = "extra"
) -> list[Employee]:
    """Synthetic staff at the manager's site, reporting to them."""
    people = [
        Employee(
            employee_number=f"X{prefix[:3].upper()}{n:04d}",
            name=f"Test {prefix.title()} {n:03d}",
            email=f"{prefix}{n}@test.pathways.example",
            role_id=role_id(session, role),
            site_id=manager.site_id,
            manager_id=manager.id,
            hire_date=TODAY - dt.timedelta(days=900),
            role_since=TODAY - dt.timedelta(days=400),
        )
        for n in range(count)
    ]
    session.add_all(people)
    session.flush()
    return people


def account(session: Session, employee: Employee, role: AccountRole) -> User:
    made = User(email=employee.email, name=employee.name, account_role=role.value, employee_id=employee.id)
    session.add(made)
    session.flush()
    return made


def varied_facts(session: Session) -> None:
    """Every kind of fact the figures read, with the awkward cases: ratings tied on time, self ratings above
    manager ones, renewed courses completed before and after their expiry, open, waived and cancelled
    assignments on role courses and others, several trackers per person, starts and pending (or decided)
    completion claims."""
    rng = random.Random(18)
    hire(session, person(session, "sup_carl"), 30, prefix="sql")
    people = session.execute(select(Employee.id, Employee.role_id)).all()
    competencies = list(session.scalars(select(Competency.id)))
    courses = list(session.scalars(select(Course).order_by(Course.id)))
    courses[0].valid_for_months, courses[1].valid_for_months, courses[2].valid_for_months = 12, 1, 24
    by_id = {c.id: c for c in courses}
    renewed = {c.id for c in courses[:3]}
    required = {}
    for role, course in session.execute(
        select(role_required_courses.c.role_id, role_required_courses.c.course_id)
    ):
        required.setdefault(role, []).append(course)
    moves = {}
    for from_id, to_id in session.execute(select(PathEdge.from_role_id, PathEdge.to_role_id)):
        moves.setdefault(from_id, []).append(to_id)
    roles = list(session.scalars(select(Role.id)))
    tracked = {(e, r) for e, r in session.execute(select(CareerTracker.employee_id, CareerTracker.role_id))}
    when = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    seen = {
        (e, c, on)
        for e, c, on in session.execute(
            select(Completion.employee_id, Completion.course_id, Completion.completed_at)
        )
    }
    for employee_id, role_id in people:
        for competency_id in rng.sample(competencies, 3):
            for n in range(rng.randint(1, 3)):
                session.add(
                    CompetencyRating(
                        employee_id=employee_id,
                        competency_id=competency_id,
                        kind=rng.choice(["manager", "self"]),
                        level=rng.randint(0, 4),
                        rated_at=when + dt.timedelta(days=rng.choice([0, 0, n])),
                    )
                )
        for competency_id in rng.sample(competencies, 2):
            session.add(
                Observation(
                    employee_id=employee_id,
                    competency_id=competency_id,
                    level=rng.randint(1, 4),
                    note="seen",
                    observed_on=TODAY,
                )
            )
        if rng.random() < 0.5:
            session.add(
                EvidenceRecord(
                    employee_id=employee_id,
                    competency_id=rng.choice(competencies),
                    level=rng.randint(1, 4),
                    source="import",
                    detail="x",
                    recorded_on=TODAY,
                )
            )
        mine = courses[:3] + [by_id[c] for c in required.get(role_id, []) if c not in renewed]
        for course in rng.sample(mine, min(3, len(mine))):
            for _ in range(rng.randint(0, 2)):
                on = TODAY - dt.timedelta(days=rng.randint(0, 800))
                if (employee_id, course.id, on) not in seen:
                    seen.add((employee_id, course.id, on))
                    session.add(
                        Completion(
                            employee_id=employee_id, course_id=course.id, completed_at=on, source="manual"
                        )
                    )
        for course in rng.sample(mine, min(2, len(mine))):
            if rng.random() < 0.4:
                session.add(
                    CourseStart(
                        employee_id=employee_id, course_id=course.id, started_on=TODAY, source="manual"
                    )
                )
            if rng.random() < 0.3:
                session.add(
                    CompletionClaim(
                        employee_id=employee_id,
                        course_id=course.id,
                        completed_at=TODAY,
                        state=rng.choice(["pending", "rejected"]),
                    )
                )
            session.add(
                Assignment(
                    employee_id=employee_id,
                    course_id=course.id,
                    state=rng.choice(["open", "open", "waived", "cancelled"]),
                    due_on=TODAY - dt.timedelta(days=rng.randint(-60, 300)),
                    reason="test",
                )
            )
        for target in rng.sample(moves.get(role_id, roles), min(2, len(moves.get(role_id, roles)))):
            if rng.random() < 0.6 and (employee_id, target) not in tracked:
                session.add(CareerTracker(employee_id=employee_id, role_id=target))
    session.flush()
    # The facts went in past the writers (which keep the level summary in step): refresh it as they would.
    level_summary.refresh_levels(session, None)
