"""A proposed new state of a tracker's plan, goals and notes (from a workbook or a PATCH), the differences
from what the tracker holds now, and applying them."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pathways.auth.models import User
from pathways.trackers import service
from pathways.trackers.models import CareerTracker


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
    if proposal.notes is not None and proposal.notes.strip() != tracker.notes:
        changes.append(
            Change("notes", "changed", "", shorten(tracker.notes), shorten(proposal.notes.strip()))
        )
    return changes


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def apply(
    session: Session, tracker: CareerTracker, proposal: Proposal, user: User | None, source: str
) -> list[Change]:
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
