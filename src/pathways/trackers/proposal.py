"""A proposed new state of a tracker's plan, goals and notes (from a workbook or a PATCH), the differences
from what the tracker holds now, and applying them.

`checked` is the one validation pass: a workbook's preview runs it and names each problem's sheet and row;
applying runs it again before anything is written, so what the preview passes is what the apply accepts,
and what the apply refuses (with the same message) the preview has already shown.
"""

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.errors import BadRequest, shown
from pathways.learning.models import Course
from pathways.trackers import rules, service
from pathways.trackers.models import CareerTracker
from pathways.trackers.quarters import parse_quarter


@dataclass(frozen=True)
class GoalDraft:
    id: int | None  # None: a new goal
    text: str
    target_date: dt.date | None
    done: bool


@dataclass(frozen=True)
class Proposal:
    plan: dict[str, str] | None = None  # course code -> quarter; None leaves the plan alone
    goals: list[GoalDraft] | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Problem:
    area: Literal["plan", "goals", "notes"]
    key: str | int | None  # the course code in the plan, the goal's position in the goals, None for notes
    message: str


class ProposalRejected(BadRequest):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(problem.message for problem in problems))


def checked(session: Session, tracker: CareerTracker, proposal: Proposal) -> Proposal:
    """The proposal as it will be written (quarters as 2027-Q1, goal text and notes cleaned), or
    ProposalRejected with every problem in it."""
    problems: list[Problem] = []
    plan = None
    if proposal.plan is not None:
        plan = {}
        codes = {code.strip().upper() for code in proposal.plan}
        known = set(session.scalars(select(Course.code).where(Course.code.in_(codes))))
        for code, quarter in proposal.plan.items():
            try:
                plan[code.strip().upper()] = parse_quarter(quarter)
            except BadRequest as exc:
                problems.append(Problem("plan", code, exc.message))
            if code.strip().upper() not in known:
                problems.append(Problem("plan", code, f"No course with code {shown(code)}."))
    goals = None
    if proposal.goals is not None:
        goals = []
        existing = {goal.id for goal in tracker.goals}
        seen: set[int] = set()
        for index, goal in enumerate(proposal.goals):
            try:
                text, day = rules.clean_goal_text(goal.text), rules.check_target_date(goal.target_date)
            except BadRequest as exc:
                problems.append(Problem("goals", index, exc.message))
                continue
            if goal.id is not None and goal.id not in existing:
                message = f"This tracker has no goal with id {goal.id}; leave the id out for a new goal."
                problems.append(Problem("goals", index, message))
            elif goal.id is not None and goal.id in seen:
                message = f"Goal id {goal.id} is given twice; keep one of them."
                problems.append(Problem("goals", index, message))
            else:
                goals.append(replace(goal, text=text, target_date=day))
            if goal.id is not None:
                seen.add(goal.id)
    notes = None
    if proposal.notes is not None:
        try:
            notes = rules.clean_notes(proposal.notes)
        except BadRequest as exc:
            problems.append(Problem("notes", None, exc.message))
    if problems:
        raise ProposalRejected(problems)
    return Proposal(plan=plan, goals=goals, notes=notes)


@dataclass(frozen=True)
class Change:
    area: str  # plan | goal | notes
    action: str  # added | removed | moved | changed
    subject: str
    before: str
    after: str

    @property
    def text(self) -> str:
        if self.action == "added":
            return f"Add {self.area} {self.subject}" + (f" ({self.after})" if self.after else "")
        if self.action == "removed":
            return f"Remove {self.area} {self.subject}" + (f" ({self.before})" if self.before else "")
        if self.action == "moved":
            return f"Move {self.subject} from {self.before} to {self.after}"
        return f"Change {self.area} {self.subject}: {self.before or '(empty)'} → {self.after or '(empty)'}"


def describe_goal(goal: GoalDraft) -> str:
    due = f", by {goal.target_date.isoformat()}" if goal.target_date else ""
    return f"{goal.text}{due}{', done' if goal.done else ''}"


def diff(tracker: CareerTracker, proposal: Proposal) -> list[Change]:
    changes: list[Change] = []
    if proposal.plan is not None:
        current = {item.course.code: item.quarter for item in tracker.courses}
        for code, quarter in proposal.plan.items():
            if code not in current:
                changes.append(Change("course", "added", code, "", quarter))
            elif current[code] != quarter:
                changes.append(Change("course", "moved", code, current[code], quarter))
        for code, quarter in current.items():
            if code not in proposal.plan:
                changes.append(Change("course", "removed", code, quarter, ""))
    if proposal.goals is not None:
        existing = {g.id: GoalDraft(g.id, g.text, g.target_date, g.done) for g in tracker.goals}
        kept = {g.id for g in proposal.goals if g.id is not None}
        for goal in proposal.goals:
            if goal.id is None:
                changes.append(Change("goal", "added", f"“{goal.text}”", "", describe_goal(goal)))
            elif goal.id in existing and existing[goal.id] != goal:
                before = existing[goal.id]
                changes.append(
                    Change("goal", "changed", f"#{goal.id}", describe_goal(before), describe_goal(goal))
                )
        for goal_id, goal in existing.items():
            if goal_id not in kept:
                changes.append(Change("goal", "removed", f"“{goal.text}”", describe_goal(goal), ""))
    if proposal.notes is not None and proposal.notes != tracker.notes:
        changes.append(Change("notes", "changed", "", shorten(tracker.notes), shorten(proposal.notes)))
    return changes


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def apply(
    session: Session, tracker: CareerTracker, proposal: Proposal, user: User | None, source: str
) -> list[Change]:
    # Checked whole before the first write: a refused proposal changes nothing, even outside a transaction
    # that would roll back.
    proposal = checked(session, tracker, proposal)
    changes = diff(tracker, proposal)
    if proposal.plan is not None:
        for code, quarter in proposal.plan.items():
            service.plan_course(session, tracker, code, quarter, user, source=source)
        for code in [item.course.code for item in tracker.courses if item.course.code not in proposal.plan]:
            service.unplan_course(session, tracker, code, user)
    if proposal.goals is not None:
        kept = {g.id for g in proposal.goals if g.id is not None}
        for goal in [g for g in tracker.goals if g.id not in kept]:
            service.remove_goal(session, tracker, goal, user)
        for draft in proposal.goals:
            if draft.id is None:
                added = service.add_goal(session, tracker, draft.text, draft.target_date, user)
                if draft.done:
                    service.update_goal(
                        session,
                        tracker,
                        added,
                        user,
                        text=draft.text,
                        target_date=draft.target_date,
                        done=True,
                    )
            else:
                goal = service.goal_by_id(tracker, draft.id)
                service.update_goal(
                    session,
                    tracker,
                    goal,
                    user,
                    text=draft.text,
                    target_date=draft.target_date,
                    done=draft.done,
                )
    if proposal.notes is not None:
        service.set_notes(session, tracker, proposal.notes, user)
    return changes
