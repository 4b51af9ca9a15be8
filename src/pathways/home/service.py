import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from pathways.auth.models import User
from pathways.careers.models import PathEdge, Role
from pathways.home.today import Group, groups_for
from pathways.learning.models import Completion, Course
from pathways.learning.requirements import add_months
from pathways.org.models import Employee, Site

RECENT_COMPLETIONS = 5


@dataclass(frozen=True)
class RequiredCourse:
    course: Course
    completed_on: dt.date | None
    # Set where the course must be retaken (recertification): the day the latest completion stops counting.
    expires_on: dt.date | None = None
    expired: bool = False

    @property
    def done(self) -> bool:
        return self.completed_on is not None and not self.expired


@dataclass(frozen=True)
class EmployeeHome:
    employee: Employee
    role: Role
    site: Site
    time_in_role: str
    next_moves: list[PathEdge]
    completed_count: int
    recent_completions: list[Completion]
    required_courses: list[RequiredCourse]
    today: list[Group] = field(default_factory=list)  # what needs doing now (home/today.py)

    @property
    def required_done(self) -> int:
        return sum(1 for item in self.required_courses if item.done)


@dataclass(frozen=True)
class GenericHome:
    # Accounts with no employee record (an administrator, a trainer from outside): a way into the content.
    entry_roles: list[Role]
    today: list[Group] = field(default_factory=list)


def describe_duration(start: dt.date, today: dt.date) -> str:
    months = (today.year - start.year) * 12 + today.month - start.month - (1 if today.day < start.day else 0)
    if months < 1:
        return "less than a month"
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("s" if years > 1 else ""))
    if months:
        parts.append(f"{months} month" + ("s" if months > 1 else ""))
    return " and ".join(parts)


def load_employee(session: Session, employee_id: int, refresh: bool = False) -> Employee | None:
    statement = (
        select(Employee)
        .where(Employee.id == employee_id)
        .options(
            joinedload(Employee.role).selectinload(Role.required_courses),
            joinedload(Employee.site).joinedload(Site.region),
        )
        .execution_options(populate_existing=refresh)
    )
    return session.scalars(statement).unique().one_or_none()


def next_moves(session: Session, role: Role) -> list[PathEdge]:
    statement = (
        select(PathEdge)
        .where(PathEdge.from_role_id == role.id)
        .options(joinedload(PathEdge.to_role))
        .order_by(PathEdge.typical_months, PathEdge.id)
    )
    return list(session.scalars(statement))


def recent_completions(
    session: Session, employee: Employee, limit: int = RECENT_COMPLETIONS
) -> list[Completion]:
    statement = (
        select(Completion)
        .where(Completion.employee_id == employee.id)
        .options(joinedload(Completion.course))
        .order_by(Completion.completed_at.desc(), Completion.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def completed_course_count(session: Session, employee: Employee) -> int:
    # Distinct courses: retaking a course (a yearly privacy refresher) does not count it twice.
    statement = select(func.count(func.distinct(Completion.course_id))).where(
        Completion.employee_id == employee.id
    )
    return session.scalar(statement) or 0


def required_course_status(
    session: Session, employee: Employee, courses: list[Course], today: dt.date
) -> list[RequiredCourse]:
    if not courses:
        return []
    statement = (
        select(Completion.course_id, func.max(Completion.completed_at))
        .where(Completion.employee_id == employee.id, Completion.course_id.in_([c.id for c in courses]))
        .group_by(Completion.course_id)
    )
    latest = {course_id: completed for course_id, completed in session.execute(statement)}
    result = []
    for course in courses:
        completed_on = latest.get(course.id)
        if completed_on is None or course.valid_for_months is None:
            result.append(RequiredCourse(course, completed_on))
            continue
        expires_on = add_months(completed_on, course.valid_for_months)
        result.append(RequiredCourse(course, completed_on, expires_on, expired=today >= expires_on))
    return result


def entry_roles(session: Session) -> list[Role]:
    # Roles nobody moves into from another role: where a career in the lattice starts.
    has_source = select(PathEdge.to_role_id)
    return list(
        session.scalars(select(Role).where(Role.id.not_in(has_source)).order_by(Role.position, Role.name))
    )


def home_for(session: Session, user: User, today: dt.date | None = None) -> EmployeeHome | GenericHome:
    employee = load_employee(session, user.employee_id) if user.employee_id is not None else None
    today = today or dt.date.today()
    now = groups_for(session, user, employee, today)
    if employee is None:
        return GenericHome(entry_roles(session), now)
    # The lists above load the same person through other services, some refreshing what they load, which
    # leaves the role and site this page shows unloaded: read them again, one statement.
    employee = load_employee(session, employee.id, refresh=True)
    assert employee is not None
    return EmployeeHome(
        employee=employee,
        role=employee.role,
        site=employee.site,
        time_in_role=describe_duration(employee.role_since, today),
        next_moves=next_moves(session, employee.role),
        completed_count=completed_course_count(session, employee),
        recent_completions=recent_completions(session, employee),
        required_courses=required_course_status(session, employee, employee.role.required_courses, today),
        today=now,
    )
