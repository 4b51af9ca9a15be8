"""Due-soon and overdue reminders: sent once per person, course, kind and due date."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.inbox.models import Notification
from pathways.learning import assignments
from pathways.learning.assignments import Target
from pathways.learning.models import Assignment, LearningReminder
from pathways.learning.reminders import notify_due
from pathways.org.models import Employee
from tests.learning_plans.conftest import TODAY, person, user


def messages(session: Session, who: str) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user(session, who).id)
    return list(session.scalars(query.order_by(Notification.id)))


def test_reminders_are_idempotent_and_reach_the_manager(session: Session) -> None:
    first = notify_due(session, TODAY)
    assert first.overdue > 0  # demo role requirements are long past their 90 days
    alice_notes = messages(session, "psr_alice")
    overdue = [n for n in alice_notes if n.kind == "overdue"]
    assert len(overdue) == 1 and overdue[0].message.startswith("Overdue required courses: ")
    assert overdue[0].link == "/learning"
    carl_notes = [
        n for n in messages(session, "sup_carl") if n.message.startswith("Your reports are overdue")
    ]
    assert len(carl_notes) == 1 and carl_notes[0].link == "/learning/team"
    listed = carl_notes[0].message.removeprefix("Your reports are overdue on: ").split("; ")
    named = {line.split(":")[0] for line in listed if not line.startswith("and ")}
    carl = person(session, "sup_carl")
    direct = set(session.scalars(select(Employee.name).where(Employee.manager_id == carl.id)))
    assert named and named <= direct

    total = session.scalar(select(func.count()).select_from(Notification))
    again = notify_due(session, TODAY)
    assert (again.overdue, again.due_soon, again.messages) == (0, 0, 0)
    assert session.scalar(select(func.count()).select_from(Notification)) == total


def test_due_soon_then_overdue_then_a_moved_date(session: Session) -> None:
    notify_due(session, TODAY)  # clear out what the demo already owes
    alice = person(session, "psr_alice")
    carl = user(session, "sup_carl")
    due = TODAY + dt.timedelta(days=10)
    assignments.assign(
        session,
        carl,
        course_code="COMM-110",
        target=Target("employee", str(alice.id)),
        due_on=due,
        reason="Refresh",
        today=TODAY,
    )
    soon = notify_due(session, TODAY)
    assert soon.due_soon == 1 and soon.overdue == 0
    assert "COMM-110" in messages(session, "psr_alice")[-1].message
    assert notify_due(session, TODAY + dt.timedelta(days=1)).due_soon == 0  # not twice for one threshold
    late = notify_due(session, due + dt.timedelta(days=1))
    assert late.overdue >= 1
    row = session.scalar(
        select(LearningReminder).where(LearningReminder.kind == "overdue", LearningReminder.due_on == due)
    )
    assert row is not None
    # A new due date earns its own reminders.
    moved = session.scalar(select(Assignment).where(Assignment.employee_id == alice.id))
    assert moved is not None
    assignments.move_due(session, carl, moved.id, due + dt.timedelta(days=5), due)
    assert notify_due(session, due + dt.timedelta(days=1)).due_soon == 1


def test_nothing_due_sends_nothing(session: Session) -> None:
    notify_due(session, TODAY)
    assert notify_due(session, TODAY).messages == 0


def test_a_large_run_commits_in_batches_and_keeps_each_team_together(session: Session) -> None:
    written: list[int] = []

    def checkpoint() -> None:
        written.append(session.scalar(select(func.count()).select_from(LearningReminder)) or 0)
        session.commit()  # the job's commit (send_due); here, a savepoint of the test's transaction

    counts = notify_due(session, TODAY, checkpoint=checkpoint, batch_size=3)
    assert written[0] == 0  # the reading ended before anything was written
    total = counts.overdue + counts.due_soon + counts.expiring
    assert len(written) >= 3 and written == sorted(written) and 0 < written[1] < total
    assert session.scalar(select(func.count()).select_from(LearningReminder)) == total
    # A manager's reports went out in the same batch as the manager's message: one message, every report.
    carl = [n for n in messages(session, "sup_carl") if n.message.startswith("Your reports are overdue")]
    assert len(carl) == 1
    listed = carl[0].message.removeprefix("Your reports are overdue on: ").split("; ")
    overdue_reports = session.scalar(
        select(func.count())
        .select_from(LearningReminder)
        .join(Employee, Employee.id == LearningReminder.employee_id)
        .where(Employee.manager_id == person(session, "sup_carl").id, LearningReminder.kind == "overdue")
    )
    assert len([line for line in listed if not line.startswith("and ")]) == min(overdue_reports or 0, 20)
    assert notify_due(session, TODAY, checkpoint=checkpoint, batch_size=3).messages == 0
