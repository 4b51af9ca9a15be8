"""Trackers: starting one, planning courses by quarter, goals, notes, certifications, and the history.

Every change bumps the tracker's revision and leaves a line in its history, so a workbook exported at an
older revision can show what changed since, and nothing is overwritten silently.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.careers.models import Role, RoleCompetency
from pathways.errors import BadRequest, Conflict, NotFound, shown
from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.plans import service as plans_service
from pathways.plans.schemas import PlanOut
from pathways.trackers import learning_link
from pathways.trackers.models import (
    CareerTracker,
    TrackerCertification,
    TrackerChange,
    TrackerCourse,
    TrackerGoal,
)
from pathways.trackers.quarters import parse_quarter, quarter_of
from pathways.trackers.rules import MAX_GOAL, MAX_NOTES, check_target_date, clean_goal_text, clean_notes

__all__ = ["MAX_GOAL", "MAX_NOTES", "clean_goal_text"]  # the rules, where callers have long found them

COMMAND_LINE = "Command line"


def detail_options() -> list[_AbstractLoad]:
    role = selectinload(CareerTracker.role)
    return [
        selectinload(CareerTracker.employee).selectinload(Employee.role),
        role.selectinload(Role.requirements).selectinload(RoleCompetency.competency),
        role.selectinload(Role.required_courses),
        selectinload(CareerTracker.courses).selectinload(TrackerCourse.course),
        selectinload(CareerTracker.goals),
        selectinload(CareerTracker.certifications),
        selectinload(CareerTracker.conversations),
        selectinload(CareerTracker.comments),
        selectinload(CareerTracker.changes),
    ]


def get_tracker(session: Session, tracker_id: int) -> CareerTracker:
    query = select(CareerTracker).where(CareerTracker.id == tracker_id).options(*detail_options())
    tracker = session.scalar(query.execution_options(populate_existing=True))
    if tracker is None:
        raise NotFound(f"No tracker with id {tracker_id}.")
    return tracker


def trackers_of(session: Session, employee_ids: list[int]) -> list[CareerTracker]:
    query = select(CareerTracker).where(CareerTracker.employee_id.in_(employee_ids))
    query = query.options(*detail_options()).order_by(CareerTracker.employee_id, CareerTracker.id)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def tracker_for(session: Session, employee: Employee, role_code: str) -> CareerTracker:
    role = role_by_code(session, role_code)
    tracker_id = session.scalar(
        select(CareerTracker.id).where(
            CareerTracker.employee_id == employee.id, CareerTracker.role_id == role.id
        )
    )
    if tracker_id is None:
        raise NotFound(f"{employee.name} has no tracker for {role.name}.")
    return get_tracker(session, tracker_id)


def role_by_code(session: Session, code: str) -> Role:
    role = session.scalar(select(Role).where(Role.code == code))
    if role is None:
        raise NotFound(f"No role with code {shown(code)}.")
    return role


def course_by_code(session: Session, code: str) -> Course:
    course = session.scalar(select(Course).where(Course.code == code.strip().upper()))
    if course is None:
        raise NotFound(f"No course with code {shown(code)}.")
    return course


def actor_name(user: User | None) -> str:
    return user.name if user else COMMAND_LINE


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def touch(tracker: CareerTracker, user: User | None, summary: str) -> None:
    tracker.revision += 1
    tracker.updated_at = now()
    tracker.changes.append(
        TrackerChange(revision=tracker.revision, actor_name=actor_name(user), summary=summary, at=now())
    )


def start_tracker(
    session: Session, employee: Employee, role_code: str, user: User | None
) -> tuple[CareerTracker, bool]:
    """The employee's tracker for the role, and whether it was created just now."""
    role = role_by_code(session, role_code)
    if role.id == employee.role_id:
        raise BadRequest(f"{employee.name} already works as {role.name}; choose a role to move to.")
    existing = session.scalar(
        select(CareerTracker.id).where(
            CareerTracker.employee_id == employee.id, CareerTracker.role_id == role.id
        )
    )
    if existing is not None:
        return get_tracker(session, existing), False
    tracker = CareerTracker(employee_id=employee.id, role_id=role.id, notes="", revision=1, updated_at=now())
    session.add(tracker)
    session.flush()
    summary = f"Tracker for {role.name} started"
    session.add(
        TrackerChange(tracker_id=tracker.id, revision=1, actor_name=actor_name(user), summary=summary)
    )
    session.flush()
    return get_tracker(session, tracker.id), True


def delete_tracker(session: Session, tracker: CareerTracker) -> None:
    for item in tracker.courses:
        learning_link.unchoose(
            session, employee_id=tracker.employee_id, course_id=item.course_id, tracker_id=tracker.id
        )
    session.delete(tracker)
    session.flush()


def planned(tracker: CareerTracker, course_id: int) -> TrackerCourse | None:
    return next((item for item in tracker.courses if item.course_id == course_id), None)


def plan_course(
    session: Session,
    tracker: CareerTracker,
    code: str,
    quarter: str,
    user: User | None,
    source: str = "manual",
) -> TrackerCourse:
    course = course_by_code(session, code)
    quarter = parse_quarter(quarter)
    item = planned(tracker, course.id)
    if item is not None:
        if item.quarter != quarter:
            touch(tracker, user, f"Moved {course.code} from {item.quarter} to {quarter}")
            item.quarter = quarter
            session.flush()
        return item
    item = TrackerCourse(course_id=course.id, course=course, quarter=quarter, source=source)
    tracker.courses.append(item)
    touch(tracker, user, f"Planned {course.code} ({course.title}) in {quarter}")
    session.flush()
    learning_link.choose(
        session,
        employee_id=tracker.employee_id,
        course_id=course.id,
        tracker_id=tracker.id,
        role_code=tracker.role.code,
    )
    return item


def unplan_course(session: Session, tracker: CareerTracker, code: str, user: User | None) -> None:
    course = course_by_code(session, code)
    item = planned(tracker, course.id)
    if item is None:
        raise NotFound(f"{course.code} is not in this plan.")
    tracker.courses.remove(item)
    touch(tracker, user, f"Removed {course.code} from the plan")
    session.flush()
    learning_link.unchoose(
        session, employee_id=tracker.employee_id, course_id=course.id, tracker_id=tracker.id
    )


def course_statuses(session: Session, tracker: CareerTracker) -> dict[int, str]:
    return learning_link.statuses(session, tracker.employee_id, [item.course_id for item in tracker.courses])


@dataclass(frozen=True)
class Suggestion:
    """What the planner says of the road to the tracker's role, beside the courses it places."""

    hours_per_week: Decimal
    readiness_date: dt.date | None  # None: beyond what courses can give, or a required certificate is missing
    readiness_explanation: str  # which limit sets the date: courses, time in role, a certification
    courses_ready_date: dt.date | None  # the courses alone; None: some gap is beyond what courses can give
    missing_certifications: list[str]
    proved_optimal: bool
    bound_hours: float  # no plan can be shorter; equals the plan's hours when proved optimal
    total_hours: float
    unclosable_gaps: list[str]  # gaps no course closes, each as a sentence
    missing_courses: list[str]  # required courses that cannot be taken, and why


def suggestion(
    session: Session, tracker: CareerTracker, hours_per_week: Decimal, today: dt.date | None = None
) -> tuple[Suggestion, PlanOut]:
    # In progress: the courses the employee marked started in their learning plan (the planner's default).
    plan = plans_service.optimize(session, tracker.employee, [tracker.role.code], hours_per_week, None, today)
    outcome = Suggestion(
        hours_per_week=hours_per_week,
        readiness_date=plan.readiness_date,
        readiness_explanation=plan.readiness_explanation,
        courses_ready_date=plan.courses_ready_date,
        missing_certifications=plan.missing_certifications,
        proved_optimal=plan.proved_optimal,
        bound_hours=plan.bound_hours,
        total_hours=plan.total_hours,
        unclosable_gaps=[gap.message for gap in plan.unclosable_gaps],
        missing_courses=[missing.message for missing in plan.missing_courses],
    )
    return outcome, plan


def suggest_plan(
    session: Session,
    tracker: CareerTracker,
    hours_per_week: Decimal,
    user: User | None,
    today: dt.date | None = None,
) -> tuple[list[str], Suggestion]:
    """Place the planner's courses into quarters by their start date; courses already planned stay put.
    Returns the codes added and what the planner said besides (readiness date, gaps it cannot close)."""
    outcome, plan = suggestion(session, tracker, hours_per_week, today)
    already = {item.course.code for item in tracker.courses}
    added = []
    for course in plan.courses:
        if course.code not in already:
            plan_course(session, tracker, course.code, quarter_of(course.starts_on), user, source="planner")
            added.append(course.code)
    return added, outcome


def prerequisite_warnings(
    tracker: CareerTracker, prerequisites: dict[int, list[tuple[int, str]]], done: set[int], started: set[int]
) -> list[str]:
    """A sentence for each planned course whose prerequisite is neither done, started, nor planned in the
    same quarter or earlier. `prerequisites`: course id -> [(prerequisite id, code)]. The plan is never
    refused for it: the employee may have a waiver or a reason the tracker does not know."""
    quarter = {item.course_id: item.quarter for item in tracker.courses}
    warnings = []
    for item in sorted(tracker.courses, key=lambda i: (i.quarter, i.course.code)):
        for prerequisite_id, code in prerequisites.get(item.course_id, []):
            if prerequisite_id in done or prerequisite_id in started:
                continue
            when = quarter.get(prerequisite_id)
            if when is None:
                warnings.append(
                    f"{item.course.code} is planned for {item.quarter} without its prerequisite {code}: "
                    f"{code} is neither completed nor in this plan."
                )
            elif when > item.quarter:  # quarters are written 2027-Q1, so text order is time order
                warnings.append(
                    f"{item.course.code} is planned for {item.quarter}, before its prerequisite {code} "
                    f"(planned for {when})."
                )
    return warnings


def goal_by_id(tracker: CareerTracker, goal_id: int) -> TrackerGoal:
    goal = next((g for g in tracker.goals if g.id == goal_id), None)
    if goal is None:
        raise NotFound(f"No goal with id {goal_id} in this tracker.")
    return goal


def add_goal(
    session: Session, tracker: CareerTracker, text: str, target_date: dt.date | None, user: User | None
) -> TrackerGoal:
    goal = TrackerGoal(text=clean_goal_text(text), target_date=check_target_date(target_date), done=False)
    tracker.goals.append(goal)
    touch(tracker, user, f"Added goal: {goal.text}")
    session.flush()
    return goal


def update_goal(
    session: Session,
    tracker: CareerTracker,
    goal: TrackerGoal,
    user: User | None,
    *,
    text: str,
    target_date: dt.date | None,
    done: bool,
) -> None:
    text, target_date = clean_goal_text(text), check_target_date(target_date)
    if (goal.text, goal.target_date, goal.done) == (text, target_date, done):
        return
    goal.text, goal.target_date, goal.done = text, target_date, done
    touch(tracker, user, f"Updated goal: {text}{' (done)' if done else ''}")
    session.flush()


def remove_goal(session: Session, tracker: CareerTracker, goal: TrackerGoal, user: User | None) -> None:
    tracker.goals.remove(goal)
    touch(tracker, user, f"Removed goal: {goal.text}")
    session.flush()


def set_notes(session: Session, tracker: CareerTracker, notes: str, user: User | None) -> None:
    notes = clean_notes(notes)
    if notes != tracker.notes:
        tracker.notes = notes
        touch(tracker, user, "Updated the notes")
        session.flush()


def set_certifications_held(
    session: Session, tracker: CareerTracker, names: list[str], user: User | None
) -> None:
    known = {str(item["name"]) for item in tracker.role.certifications}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise BadRequest(f"{tracker.role.name} lists no certification called {shown(unknown[0])}.")
    _refuse_recorded_kinds(tracker, names)
    wanted = set(names)
    held = {c.name for c in tracker.certifications}
    for cert in [c for c in tracker.certifications if c.name not in wanted]:
        tracker.certifications.remove(cert)
    for name in sorted(wanted - held):
        tracker.certifications.append(TrackerCertification(name=name))
    if wanted != held:
        touch(tracker, user, f"Certifications held: {', '.join(sorted(wanted)) or 'none'}")
        session.flush()


def _refuse_recorded_kinds(tracker: CareerTracker, names: list[str]) -> None:
    # A certification of a kind is held by a certificate on the certifications page, verified there; a tick
    # here would say nothing readiness could use.
    recorded = {str(item["name"]) for item in tracker.role.certifications if item.get("kind")}
    for name in names:
        if name in recorded:
            raise BadRequest(
                f"{shown(name)} is held by adding the certificate on the certifications page "
                "(/certifications), where a supervisor verifies it; it is not ticked here."
            )


def verify_certification(session: Session, tracker: CareerTracker, name: str, user: User) -> None:
    _refuse_recorded_kinds(tracker, [name])
    cert = next((c for c in tracker.certifications if c.name == name), None)
    if cert is None:
        raise BadRequest(
            f"{tracker.employee.name} has not said they hold '{name}', so it cannot be verified."
        )
    if cert.verified_at is not None:
        raise Conflict(f"{shown(name)} is already verified.")
    cert.verified_at, cert.verified_by_user_id = now(), user.id
    touch(tracker, user, f"Verified certification: {name}")
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="tracker.certification.verify",
        entity="career_trackers",
        entity_id=tracker.id,
        after={"certification": name},
    )
