"""My learning plan: what one employee must take (compliance) and chose to take (career), and its status.

Also the interface the career trackers call: add_chosen_course, remove_chosen_course and course_status.
"""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from pathways.careers.models import Role
from pathways.errors import NotFound
from pathways.learning import assignments
from pathways.learning import requirements as rules
from pathways.learning.models import (
    Assignment,
    ChosenCourse,
    Completion,
    CompletionClaim,
    Course,
    CourseStart,
)
from pathways.org.models import Employee


@dataclass
class PlanEntry:
    course: Course
    reasons: list[str]
    sources: list[str]  # role | assignment | tracker
    status: str
    due_on: dt.date | None = None
    completed_on: dt.date | None = None
    score: int | None = None
    overdue: bool = False
    due_soon: bool = False
    compliance: bool = False  # required: by the role or assigned
    career: bool = False  # chosen in a career tracker
    assignment: Assignment | None = None
    awaiting_confirmation: bool = False
    expires_on: dt.date | None = None  # recertification: when the latest completion stops counting
    history: list[assignments.HistoryLine] = field(default_factory=list)  # of the assignment, oldest first

    @property
    def expired(self) -> bool:
        return self.status == rules.EXPIRED

    @property
    def counts_toward_both(self) -> bool:
        return self.compliance and self.career


@dataclass
class Progress:
    total: int = 0
    completed: int = 0
    waived: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    expired: int = 0

    @property
    def percent(self) -> int:
        # Waived courses are no longer asked of the person, so they leave the denominator.
        counted = self.total - self.waived
        return round(100 * self.completed / counted) if counted else 100


@dataclass
class LearningPlan:
    employee: Employee
    today: dt.date
    required: list[PlanEntry] = field(default_factory=list)
    chosen: list[PlanEntry] = field(default_factory=list)

    @property
    def both(self) -> list[PlanEntry]:
        return [entry for entry in self.required if entry.counts_toward_both]

    @staticmethod
    def progress(entries: list[PlanEntry]) -> Progress:
        result = Progress(total=len(entries))
        for entry in entries:
            result.completed += entry.status == rules.COMPLETED
            result.waived += entry.status == rules.WAIVED
            result.in_progress += entry.status == rules.IN_PROGRESS
            result.not_started += entry.status == rules.NOT_STARTED
            result.expired += entry.status == rules.EXPIRED
            result.overdue += entry.overdue
        return result

    @property
    def required_progress(self) -> Progress:
        return self.progress(self.required)

    @property
    def chosen_progress(self) -> Progress:
        return self.progress(self.chosen)


def _assignment_reason(assignment: Assignment) -> str:
    who = assignment.assigned_by.name if assignment.assigned_by else "a former user"
    text = f"Assigned by {who} on {assignment.assigned_at:%-d %b %Y}: {assignment.reason}"
    if assignment.state == "waived":
        text += f" (waived: {assignment.state_reason})"
    return text


def _sort_key(entry: PlanEntry) -> tuple[int, dt.date, str]:
    # What needs doing first comes first: overdue, then open by due date, then done.
    rank = 0 if entry.overdue else 1 if entry.status in rules.OPEN_STATUSES else 2
    return (rank, entry.due_on or dt.date.max, entry.course.code)


def build_plan(session: Session, employee: Employee, today: dt.date) -> LearningPlan:
    """The plan in a fixed number of queries, however long it is. `employee` needs its role loaded."""
    required = rules.load_required(session, [employee.id])
    choices = list(session.scalars(select(ChosenCourse).where(ChosenCourse.employee_id == employee.id)))
    facts = rules.load_facts(session, [employee.id])
    rules.apply_facts(required, facts, today)
    course_ids = {row.course_id for row in required} | {choice.course_id for choice in choices}
    courses = {c.id: c for c in session.scalars(select(Course).where(Course.id.in_(course_ids)))}
    role_codes = {choice.target_role_code for choice in choices}
    role_names = dict(session.execute(select(Role.code, Role.name).where(Role.code.in_(role_codes))).all())

    plan = LearningPlan(employee=employee, today=today)
    chosen_for: dict[int, list[str]] = {}
    for choice in choices:
        chosen_for.setdefault(choice.course_id, [])
        target = role_names.get(choice.target_role_code, choice.target_role_code)
        if target not in chosen_for[choice.course_id]:
            chosen_for[choice.course_id].append(target)
    required_ids = set()
    for row in required:
        reasons, sources = [], []
        if row.by_role:
            reasons.append(f"Required for the role {employee.role.name}")
            sources.append("role")
        if row.assignment is not None:
            reasons.append(_assignment_reason(row.assignment))
            sources.append("assignment")
        required_ids.add(row.course_id)
        plan.required.append(
            PlanEntry(
                course=courses[row.course_id],
                reasons=reasons,
                sources=sources,
                status=row.status,
                due_on=row.due_on,
                completed_on=row.completed_on,
                score=row.score,
                overdue=row.overdue(today),
                due_soon=row.due_soon(today),
                compliance=True,
                career=row.course_id in chosen_for,
                assignment=row.assignment,
                awaiting_confirmation=row.awaiting_confirmation,
                expires_on=row.expires_on,
            )
        )
    # A course only chosen for a career does not expire: recertification is a compliance rule.
    required_by_course = {entry.course.id: entry for entry in plan.required}
    for course_id, targets in chosen_for.items():
        completion = facts.completions.get((employee.id, course_id))
        also = required_by_course.get(course_id)
        key = (employee.id, course_id)
        plan.chosen.append(
            PlanEntry(
                course=courses[course_id],
                reasons=[f"Chosen in a career tracker toward {target}" for target in targets],
                sources=["tracker"],
                status=also.status
                if also
                else rules.status_from(
                    completed=completion is not None,
                    waived=False,
                    started=key in facts.started or key in facts.awaiting,
                ),
                due_on=also.due_on if also else None,
                completed_on=completion[0] if completion else None,
                score=completion[1] if completion else None,
                overdue=also.overdue if also else False,
                due_soon=also.due_soon if also else False,
                compliance=also is not None,
                career=True,
                awaiting_confirmation=also.awaiting_confirmation
                if also
                else key in facts.awaiting and completion is None,
                expires_on=also.expires_on if also else None,
            )
        )
    assigned = [entry for entry in plan.required if entry.assignment is not None]
    lines = assignments.histories(session, [entry.assignment.id for entry in assigned if entry.assignment])
    for entry in assigned:
        if entry.assignment is not None:
            entry.history = lines.get(entry.assignment.id, [])
    plan.required.sort(key=_sort_key)
    plan.chosen.sort(key=_sort_key)
    return plan


def mark_started(session: Session, *, employee_id: int, course_id: int, on: dt.date, source: str) -> bool:
    """Idempotent; False when the start was already known."""
    if session.get(CourseStart, (employee_id, course_id)) is not None:
        return False
    session.add(CourseStart(employee_id=employee_id, course_id=course_id, started_on=on, source=source))
    session.flush()
    return True


# ---------------------------------------------------------------- the career trackers' interface
def add_chosen_course(
    session: Session, *, employee_id: int, course_id: int, tracker_id: int, target_role_code: str
) -> None:
    """Idempotent: choosing a course again in the same tracker keeps one row (with the latest target)."""
    if session.get(Course, course_id) is None:
        raise NotFound(f"No course with id {course_id}.")
    existing = session.scalar(
        select(ChosenCourse).where(
            ChosenCourse.employee_id == employee_id,
            ChosenCourse.course_id == course_id,
            ChosenCourse.tracker_id == tracker_id,
        )
    )
    if existing is None:
        session.add(
            ChosenCourse(
                employee_id=employee_id,
                course_id=course_id,
                tracker_id=tracker_id,
                target_role_code=target_role_code,
            )
        )
    else:
        existing.target_role_code = target_role_code
    session.flush()


def remove_chosen_course(session: Session, *, employee_id: int, course_id: int, tracker_id: int) -> None:
    """Idempotent: removing a course that is not chosen does nothing."""
    existing = session.scalar(
        select(ChosenCourse).where(
            ChosenCourse.employee_id == employee_id,
            ChosenCourse.course_id == course_id,
            ChosenCourse.tracker_id == tracker_id,
        )
    )
    if existing is not None:
        session.delete(existing)
        session.flush()


def course_status(session: Session, employee_id: int, course_ids: list[int]) -> dict[int, str]:
    """'completed' | 'in progress' | 'waived' | 'not started' for each course, in one query."""
    if not course_ids:
        return {}
    ids = list(set(course_ids))
    facts = union_all(
        select(Completion.course_id, literal("completed")).where(
            Completion.employee_id == employee_id, Completion.course_id.in_(ids)
        ),
        select(Assignment.course_id, literal("waived")).where(
            Assignment.employee_id == employee_id, Assignment.course_id.in_(ids), Assignment.state == "waived"
        ),
        select(CourseStart.course_id, literal("started")).where(
            CourseStart.employee_id == employee_id, CourseStart.course_id.in_(ids)
        ),
        select(CompletionClaim.course_id, literal("started")).where(
            CompletionClaim.employee_id == employee_id,
            CompletionClaim.course_id.in_(ids),
            CompletionClaim.state == "pending",
        ),
    )
    seen: dict[int, set[str]] = {}
    for course_id, fact in session.execute(facts):
        seen.setdefault(course_id, set()).add(fact)
    result = {}
    for course_id in course_ids:
        found = seen.get(course_id, set())
        result[course_id] = rules.status_from(
            completed="completed" in found, waived="waived" in found, started="started" in found
        )
    return result
