"""The preview of an uploaded workbook finds every problem the apply would refuse, with the apply's message.

A workbook whose notes were too long once previewed as fine and then failed on apply. Preview and apply now
run one validation pass (trackers/proposal.checked): for each kind of bad value, the preview names it with
its sheet and row, and the apply (given the same edits, as a preview signed before this rule would have
carried them) refuses it with the same message and changes nothing.
"""

import datetime as dt
from collections.abc import Callable

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.errors import BadRequest
from pathways.trackers import imports, service, views
from pathways.trackers.models import CareerTracker
from pathways.trackers.proposal import GoalDraft, Proposal
from pathways.trackers.rules import MAX_GOAL, MAX_NOTES
from pathways.trackers.workbook_import import WorkbookEdits, WorkbookRejected
from tests.helpers import page_csrf, sign_in
from tests.trackers.support import exported, to_bytes, user

SECRET = "test-secret-key"
LONG_NOTE_LINE = ("Ask about the float pool and the weekend rota. " * 20).strip()  # 939 characters
LONG_NOTES = "\n".join([LONG_NOTE_LINE] * 7)  # 6,579 characters, a line to a row of the Notes sheet


def state(session: Session, tracker: CareerTracker) -> tuple[object, ...]:
    fresh = service.get_tracker(session, tracker.id)
    goals = sorted((g.id, g.text, g.target_date, g.done) for g in fresh.goals)
    return fresh.revision, fresh.notes, goals, sorted((i.course.code, i.quarter) for i in fresh.courses)


@pytest.fixture
def goal_id(session: Session, tracker: CareerTracker) -> int:
    return service.add_goal(
        session, tracker, "Shadow the site lead", dt.date(2027, 3, 1), user(session, "psr_alice")
    ).id


Edit = Callable[[Workbook, int], None]


def notes_too_long(wb: Workbook, _goal: int) -> None:
    for row in range(2, 9):
        wb["Notes"][f"A{row}"] = LONG_NOTE_LINE


def goal_too_long(wb: Workbook, goal: int) -> None:
    wb["Goals"]["B2"] = "x" * (MAX_GOAL + 1)


def goal_emptied(wb: Workbook, goal: int) -> None:
    wb["Goals"]["B2"] = "   "


def goal_of_another_tracker(wb: Workbook, goal: int) -> None:
    wb["Goals"]["A2"] = 999_999


def goal_twice(wb: Workbook, goal: int) -> None:
    wb["Goals"].append([goal, "The same goal again", None, "open"])


def goal_dated_long_ago(wb: Workbook, goal: int) -> None:
    wb["Goals"]["C2"] = dt.date(1900, 1, 1)


def goal_dated_far_ahead(wb: Workbook, goal: int) -> None:
    wb["Goals"]["C2"] = "2150-01-01"


def unknown_course(wb: Workbook, goal: int) -> None:
    wb["Plan"].append(["2027-Q1", "NOPE-404"])


def not_a_quarter(wb: Workbook, goal: int) -> None:
    wb["Plan"].append(["sometime", "REV-201"])


def quarter_out_of_range(wb: Workbook, goal: int) -> None:
    wb["Plan"].append(["1999-Q4", "REV-201"])


def kept_goal(goal: int, **changes: object) -> list[GoalDraft]:
    base = {"id": goal, "text": "Shadow the site lead", "target_date": dt.date(2027, 3, 1), "done": False}
    return [GoalDraft(**(base | changes))]  # type: ignore[arg-type]


CASES: list[tuple[str, Edit, Callable[[int], Proposal], str, str]] = [
    (
        "notes too long",
        notes_too_long,
        lambda g: Proposal(notes=LONG_NOTES),
        "Notes",
        f"Notes can be at most {MAX_NOTES:,} characters; these have 6,579.",
    ),
    (
        "goal too long",
        goal_too_long,
        lambda g: Proposal(goals=kept_goal(g, text="x" * (MAX_GOAL + 1))),
        "Goals row 2",
        f"A goal can be at most {MAX_GOAL} characters; this one has {MAX_GOAL + 1}.",
    ),
    (
        "goal emptied",
        goal_emptied,
        lambda g: Proposal(goals=kept_goal(g, text="   ")),
        "Goals row 2",
        "A goal needs some text.",
    ),
    (
        "goal of another tracker",
        goal_of_another_tracker,
        lambda g: Proposal(goals=kept_goal(999_999)),
        "Goals row 2",
        "This tracker has no goal with id 999999; leave the id out for a new goal.",
    ),
    (
        "goal twice",
        goal_twice,
        lambda g: Proposal(goals=kept_goal(g) + kept_goal(g, text="The same goal again", target_date=None)),
        "Goals row 3",
        "Goal id {goal} is given twice; keep one of them.",
    ),
    (
        "goal dated long ago",
        goal_dated_long_ago,
        lambda g: Proposal(goals=kept_goal(g, target_date=dt.date(1900, 1, 1))),
        "Goals row 2",
        "The target date 1900-01-01 is not between 2000 and 2100; write it like 2027-03-31.",
    ),
    (
        "goal dated far ahead",
        goal_dated_far_ahead,
        lambda g: Proposal(goals=kept_goal(g, target_date=dt.date(2150, 1, 1))),
        "Goals row 2",
        "The target date 2150-01-01 is not between 2000 and 2100; write it like 2027-03-31.",
    ),
    (
        "unknown course",
        unknown_course,
        lambda g: Proposal(plan={"NOPE-404": "2027-Q1"}),
        "Plan row 2",
        "No course with code 'NOPE-404'.",
    ),
    (
        "not a quarter",
        not_a_quarter,
        lambda g: Proposal(plan={"REV-201": "sometime"}),
        "Plan row 2",
        "'sometime' is not a quarter: write it like 2027-Q1.",
    ),
    (
        "quarter out of range",
        quarter_out_of_range,
        lambda g: Proposal(plan={"REV-201": "1999-Q4"}),
        "Plan row 2",
        "'1999-Q4' is not a quarter: write it like 2027-Q1.",
    ),
]


@pytest.mark.parametrize(("kind", "edit", "proposal", "where", "message"), CASES, ids=[c[0] for c in CASES])
def test_the_preview_reports_what_the_apply_refuses_with_the_same_message(
    session: Session,
    tracker: CareerTracker,
    goal_id: int,
    kind: str,
    edit: Edit,
    proposal: Callable[[int], Proposal],
    where: str,
    message: str,
) -> None:
    message = message.format(goal=goal_id)
    wb = exported(session, tracker)
    edit(wb, goal_id)
    view = views.build(session, service.get_tracker(session, tracker.id))
    with pytest.raises(WorkbookRejected) as previewed:
        imports.preview(session, to_bytes(wb), view)
    assert previewed.value.problems == [f"{where}: {message}"]

    before = state(session, tracker)
    fresh = service.get_tracker(session, tracker.id)
    # The edits as a preview without this check would have signed them, through the web's own round trip.
    edits = WorkbookEdits(proposal(goal_id), fresh.revision, "2027-01-04T09:00:00Z", [])
    token = imports.sign(SECRET, fresh, edits)
    with pytest.raises(BadRequest) as applied:
        imports.apply(
            session, fresh, imports.unsign(SECRET, fresh, token), user(session, "psr_alice"), confirm=True
        )
    assert applied.value.message == message
    assert state(session, tracker) == before, "a refused apply changes nothing"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["abc", "A goal", None, "open"],
            "Goals row 3: the goal id 'abc' is not a number; clear it for a new goal.",
        ),
        (
            ["2.5", "A goal", None, "open"],
            "Goals row 3: the goal id '2.5' is not a number; clear it for a new goal.",
        ),
        (
            [None, "A goal", None, "finished"],
            "Goals row 3: the status must be 'open' or 'done', not 'finished'.",
        ),
        (
            [None, "A goal", "next spring", "open"],
            "Goals row 3: 'next spring' is not a date: write it like 2027-03-31.",
        ),
    ],
)
def test_cells_that_cannot_be_read_are_named_by_the_preview(
    session: Session, tracker: CareerTracker, goal_id: int, row: list[object], problem: str
) -> None:
    # Apply takes typed edits, so these can only ever reach the preview, which refuses them.
    wb = exported(session, tracker)
    wb["Goals"].append(row)
    with pytest.raises(WorkbookRejected) as previewed:
        imports.preview(session, to_bytes(wb), views.build(session, service.get_tracker(session, tracker.id)))
    assert previewed.value.problems == [problem]


def test_every_problem_is_reported_at_once_in_sheet_and_row_order(
    session: Session, tracker: CareerTracker, goal_id: int
) -> None:
    wb = exported(session, tracker)
    for edit in (notes_too_long, goal_dated_far_ahead, not_a_quarter, unknown_course):
        edit(wb, goal_id)
    with pytest.raises(WorkbookRejected) as previewed:
        imports.preview(session, to_bytes(wb), views.build(session, service.get_tracker(session, tracker.id)))
    assert [p.split(":")[0] for p in previewed.value.problems] == [
        "Plan row 2",
        "Plan row 3",
        "Goals row 2",
        "Notes",
    ]


def test_the_api_refuses_control_characters_on_both_databases(
    client: TestClient, tracker: CareerTracker
) -> None:
    # PostgreSQL cannot store a NUL; SQLite would. One rule refuses it before either is asked.
    sign_in(client, "psr_alice")
    headers = {"X-CSRF-Token": page_csrf(client)}
    response = client.patch(
        f"/api/v1/trackers/{tracker.id}", json={"notes": "Line one\n\x00"}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Notes cannot hold a control character (\\x00 at character 10)."
    fine = client.patch(
        f"/api/v1/trackers/{tracker.id}", json={"notes": "Line one\n\tindented"}, headers=headers
    )
    assert fine.status_code == 200 and fine.json()["notes"] == "Line one\n\tindented"
