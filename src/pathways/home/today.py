"""What needs doing now, for the home page (issue 15): a few short lists, each item linking to where it is
done. Each list asks the domain that owns the rule (learning, trackers, inbox, onboarding, ratings, practice,
stories, imports); nothing here decides what is overdue or due. A fixed number of statements, however many
people a supervisor has.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.models import AccountRole, User
from pathways.auth.permissions import is_admin
from pathways.competencies import ratings
from pathways.inbox import service as inbox
from pathways.inbox.models import Notification
from pathways.learning import claims
from pathways.learning import plan_service as plans
from pathways.learning import requirements as rules
from pathways.learning.models import CompletionImport
from pathways.org.models import Employee, PeopleImport
from pathways.practice import sets as practice_sets
from pathways.stories import submissions as stories
from pathways.teams import onboarding
from pathways.teams.scope import TeamScope, team_scope
from pathways.teams.team import TeamQuery, build_team
from pathways.trackers import service as trackers
from pathways.trackers import views as tracker_views
from pathways.xapi import review as lrs_review

SHOWN = 5  # items per list; the rest are one link away
NEW_ASSIGNMENT_DAYS = 14
ONBOARDING_AHEAD_DAYS = 7
RECENT_IMPORTS = 3


@dataclass(frozen=True)
class Item:
    text: str
    href: str  # where it is done
    detail: str = ""
    urgent: bool = False


@dataclass
class Group:
    key: str  # the section's id
    title: str
    empty: str  # said when there is nothing to do: a calm answer, not a blank
    items: list[Item] = field(default_factory=list)
    more_href: str = ""
    more_text: str = ""
    total: int | None = None  # when the items are only the first few of a longer list

    @property
    def shown(self) -> list[Item]:
        return self.items[:SHOWN]

    @property
    def count(self) -> int:
        return len(self.items) if self.total is None else self.total

    @property
    def hidden(self) -> int:
        return max(0, self.count - len(self.shown))


def day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


# ---------------------------------------------------------------- anyone with an employee record
def learning_groups(session: Session, employee: Employee, today: dt.date) -> list[Group]:
    plan = plans.build_plan(session, employee, today)
    due = Group("today-courses", "Courses due", "Nothing overdue or due in the next two weeks.")
    due.more_href, due.more_text = "/learning", "Open my learning plan"
    new = Group("today-assigned", "Newly assigned to you", "No new training in the last two weeks.")
    new.more_href, new.more_text = "/learning", "See everything assigned"
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=NEW_ASSIGNMENT_DAYS)
    for entry in plan.required:
        course = f"{entry.course.code}: {entry.course.title}"
        if entry.overdue:
            when = f"Overdue since {day(entry.due_on)}" if entry.due_on else "Overdue"
            due.items.append(Item(course, "/learning", when, urgent=True))
        elif entry.due_soon and entry.due_on:
            due.items.append(Item(course, "/learning", f"Due {day(entry.due_on)}"))
        assignment = entry.assignment
        if (
            assignment is not None
            and entry.status in rules.OPEN_STATUSES
            and _aware(assignment.assigned_at) >= since
        ):
            by = assignment.assigned_by.name if assignment.assigned_by else "a former user"
            detail = f"Assigned by {by}" + (f", due {day(entry.due_on)}" if entry.due_on else "")
            new.items.append(Item(course, "/learning", detail))
    return [due, new]


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; the column stores UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def tracker_group(session: Session, employee: Employee) -> Group:
    group = Group(
        "today-trackers",
        "Your career trackers",
        "No tracker yet: pick a role you are aiming for and start one.",
    )
    group.more_href, group.more_text = "/trackers", "All my trackers"
    for view in tracker_views.build_all(session, trackers.trackers_of(session, [employee.id])):
        upcoming = [i for i in view.plan if view.status(i) not in (rules.COMPLETED, rules.WAIVED)]
        detail = (
            f"Next: {upcoming[0].course.code} {upcoming[0].course.title}, planned for {upcoming[0].quarter}"
            if upcoming
            else "No course planned yet"
        )
        text = f"{view.tracker.role.name}: {view.analysis.readiness.percent}% ready"
        group.items.append(Item(text, f"/trackers/{view.tracker.id}", detail))
    return group


def own_onboarding_group(session: Session, employee: Employee, today: dt.date) -> Group | None:
    plan = onboarding.plan_of(session, employee)
    if plan is None or all(i.signed_off_at is not None for i in plan.items):
        return None
    group = Group(
        "today-onboarding", "Your onboarding", "Every step is done; your site lead will sign them off."
    )
    group.more_href, group.more_text = "/onboarding", "Open my onboarding plan"
    for item in sorted(plan.items, key=lambda i: (i.due_on, i.position)):
        if item.done_on is None and item.signed_off_at is None:
            group.items.append(
                Item(item.title, "/onboarding", f"Due {day(item.due_on)}", item.due_on < today)
            )
    return group


# ---------------------------------------------------------------- everyone signed in
def messages_group(session: Session, user: User) -> Group:
    group = Group("today-messages", "Unread messages", "No unread messages.")
    group.more_href, group.more_text = "/inbox", "Open the inbox"
    unread = session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(SHOWN)
    ).all()
    group.items = [Item(n.message, "/inbox") for n in unread]
    group.total = inbox.unread_count(session, user.id)
    return group


# ---------------------------------------------------------------- people in one's care
def team_groups(session: Session, user: User, scope: TeamScope, today: dt.date) -> list[Group]:
    members = build_team(session, scope, TeamQuery(sort="overdue", order="desc"), today).members
    overdue = Group("today-overdue", "People with overdue training", "Nobody in your team is overdue.")
    overdue.more_href, overdue.more_text = "/learning/team?show=overdue", "Team compliance"
    for m in members:
        if m.overdue:
            courses = "course" if m.overdue == 1 else "courses"
            overdue.items.append(
                Item(m.name, f"/learning/employees/{m.id}", f"{m.overdue} required {courses} overdue", True)
            )
    groups = [overdue]
    if scope.shows_trackers:
        asked = Group("today-conversations", "Conversation requests", "No one is waiting for a conversation.")
        asked.more_href, asked.more_text = "/team?only=conversation", "Conversations in your team"
        for m in sorted(members, key=lambda m: m.name):
            for c in m.conversations:
                if c.kind == "requested":
                    asked.items.append(
                        Item(m.name, f"/trackers/{c.tracker_id}", f"Asked to talk about {c.role_name}")
                    )
        groups.append(asked)
    return groups


def onboarding_group(session: Session, user: User, scope: TeamScope, today: dt.date) -> Group:
    signs_off = user.account_role == AccountRole.SITE_LEAD
    group = Group("today-team-onboarding", "Onboarding steps due", "No onboarding step is due this week.")
    group.more_href, group.more_text = "/team/onboarding", "All onboarding plans"
    ahead = today + dt.timedelta(days=ONBOARDING_AHEAD_DAYS)
    steps = []
    for plan in onboarding.plans_in(session, scope.ids):
        for item in plan.items:
            if item.signed_off_at is not None:
                continue
            ready = item.done_on is not None
            if item.due_on <= ahead or (ready and signs_off):
                what = "Done, ready to sign off" if ready else f"Due {day(item.due_on)}"
                steps.append((item.due_on, plan.employee.name, item.title, plan.employee_id, what))
    for due_on, name, title, employee_id, what in sorted(steps):
        group.items.append(Item(f"{name}: {title}", f"/team/onboarding/{employee_id}", what, due_on < today))
    return group


def supervisor_groups(session: Session, user: User, scope: TeamScope, today: dt.date) -> list[Group]:
    pending = claims.pending_claims(session, user)
    confirm = Group("today-claims", "Completions to confirm", "No completion is waiting for you.")
    confirm.more_href, confirm.more_text = "/learning/confirmations", "Completions to confirm"
    for claim in pending:
        confirm.items.append(
            Item(
                f"{claim.employee.name}: {claim.course.code} {claim.course.title}",
                "/learning/confirmations",
                f"Marked done on {day(claim.completed_at)}",
            )
        )
    rating = Group(
        "today-ratings", "Competency ratings due", "Everyone has a rating from the last twelve months."
    )
    rating.more_href, rating.more_text = "/team", "Your team"
    ids = scope.ids if isinstance(scope.ids, list) else list(session.scalars(scope.ids))
    for due in ratings.ratings_due(session, ids, today):
        detail = f"Last rated {day(due.last_rated)}" if due.last_rated else "Not rated yet"
        rating.items.append(Item(due.name, f"/team/people/{due.employee_id}/ratings", detail))
    return [confirm, rating]


# ---------------------------------------------------------------- trainers and administrators
def practice_group(session: Session, user: User) -> Group:
    group = Group(
        "today-practice", "Open practice sets", "No practice set has a learner still working on it."
    )
    group.more_href, group.more_text = "/practice/trainer", "Practice sets"
    for practice_set in practice_sets.sets_for_trainer(session, user):
        members = practice_set.members
        passed = sum(1 for m in members if m.passed_on is not None)
        if passed < len(members):
            group.items.append(
                Item(
                    practice_set.name,
                    f"/practice/trainer/sets/{practice_set.id}",
                    f"{passed} of {len(members)} learners passed",
                )
            )
    return group


Run = TypeVar("Run", CompletionImport, PeopleImport)


def _latest(session: Session, model: type[Run]) -> list[Run]:
    query = select(model).order_by(model.created_at.desc(), model.id.desc()).limit(RECENT_IMPORTS)
    return list(session.scalars(query))


def admin_groups(session: Session, user: User) -> list[Group]:
    queue = Group("today-stories", "Stories to review", "No story is waiting for review.")
    queue.more_href, queue.more_text = "/admin/stories", "Story moderation"
    for submission in stories.submissions(session, user, stories.SUBMITTED):
        story = submission.story
        queue.items.append(Item(story.title, "/admin/stories", f"Submitted {day(submission.submitted_at)}"))
    imports = Group("today-imports", "Last imports", "No import yet.")
    imports.more_href, imports.more_text = "/admin", "Administration"
    completions = _latest(session, CompletionImport)
    people = _latest(session, PeopleImport)
    for what, href, runs in (
        ("Completions", "/learning/completions/import", completions),
        ("People", "/admin/people/import", people),
    ):
        for run in runs:
            summary = run.summary or {}
            rejected = int(summary.get("rejected", 0))
            state = "applied" if run.applied_at else "previewed, not applied"
            detail = f"{day(run.created_at)}, {state}: {summary.get('rows', 0)} rows, {rejected} rejected"
            imports.items.append(Item(f"{what}: {run.filename}", href, detail, urgent=rejected > 0))
    unmatched, _ = lrs_review.browse(session, lrs_review.OPEN, 1, 0)
    if unmatched:
        noun = "completion" if unmatched == 1 else "completions"
        imports.items.insert(
            0,
            Item(
                f"{unmatched} LMS {noun} not yet matched",
                "/admin/lrs/rejections",
                "From xAPI statements",
                True,
            ),
        )
    return [queue, imports]


def groups_for(session: Session, user: User, employee: Employee | None, today: dt.date) -> list[Group]:
    """The lists of the user's job first (their team, their cohorts, the admin queues), then their own."""
    groups: list[Group] = []
    role = user.account_role
    if employee is not None and role in (AccountRole.SUPERVISOR, AccountRole.SITE_LEAD, AccountRole.TRAINER):
        scope = team_scope(session, user)
        groups += team_groups(session, user, scope, today)
        if role != AccountRole.TRAINER:  # a trainer's cohorts are their practice sets, below
            groups.append(onboarding_group(session, user, scope, today))
        if role == AccountRole.SUPERVISOR:
            groups += supervisor_groups(session, user, scope, today)
    if role == AccountRole.TRAINER:
        groups.append(practice_group(session, user))
    if is_admin(user):
        groups += admin_groups(session, user)
    if employee is not None:
        groups += learning_groups(session, employee, today)
        groups.append(tracker_group(session, employee))
        own = own_onboarding_group(session, employee, today)
        if own is not None:
            groups.append(own)
    groups.append(messages_group(session, user))
    return groups
