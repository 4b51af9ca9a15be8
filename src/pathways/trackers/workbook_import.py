"""Reads an edited tracker workbook back into a Proposal: the plan by quarter, goals and notes.

Nothing in the file is ever calculated: formulas are read as their text, with a warning. Every problem is
named with its sheet and row, and all of them are reported at once.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.errors import AppError, BadRequest, shown
from pathways.learning.models import Course
from pathways.trackers import learning_link
from pathways.trackers import proposal as proposals
from pathways.trackers import workbook as layout
from pathways.trackers import workbook_ignored as ignored
from pathways.trackers.archive import check_archive
from pathways.trackers.proposal import GoalDraft, Proposal, ProposalRejected
from pathways.trackers.views import TrackerView

MAX_ROWS = 2000


class WorkbookRejected(BadRequest):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("The workbook was not imported: " + " ".join(problems))


@dataclass
class WorkbookEdits:
    proposal: Proposal
    exported_revision: int
    exported_at: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class Reader:
    view: TrackerView
    warnings: list[str] = field(default_factory=list)
    # (sheet, row, message): reported in the order of the sheets and rows, whichever check found them.
    located: list[tuple[int, int, str]] = field(default_factory=list)

    def problem(self, sheet: str, row: int, message: str) -> None:
        self.located.append((layout.SHEETS.index(sheet), row, f"{sheet} row {row}: {message}"))

    @property
    def problems(self) -> list[str]:
        return [message for _, _, message in sorted(self.located)]

    def value(self, ws: Worksheet, row: int, column: int) -> Any:
        cell = ws.cell(row=row, column=column)
        value = cell.value
        if cell.data_type == "f" or not isinstance(value, str | int | float | dt.date | type(None)):
            text = str(getattr(value, "text", value) or "")
            self.warnings.append(
                f"{ws.title} row {row}, column {cell.column_letter} holds a formula ({text}); formulas are "
                "never calculated, so its text was read as it is."
            )
            return text
        return value.strip() if isinstance(value, str) else value

    def text(self, ws: Worksheet, row: int, column: int) -> str:
        value = self.value(ws, row, column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def header_ok(self, ws: Worksheet, expected: tuple[str, ...]) -> bool:
        found = tuple(str(ws.cell(row=1, column=c).value or "").strip() for c in range(1, len(expected) + 1))
        if tuple(f.lower() for f in found) != tuple(e.lower() for e in expected):
            self.problem(
                ws.title, 1, f"the column headings were changed; they must be {', '.join(expected)}."
            )
            return False
        return True


def data_rows(ws: Worksheet) -> range:
    return range(2, min(ws.max_row, MAX_ROWS + 1) + 1)


def open_workbook(data: bytes) -> Workbook:
    check_archive(data)
    try:
        # data_only=False: formulas come back as their text and are never evaluated.
        return load_workbook(io.BytesIO(data), data_only=False, keep_links=False, keep_vba=False)
    except AppError:
        raise
    except Exception:
        raise BadRequest("The workbook could not be read. Download a fresh copy and edit that one.") from None


def check_sheets(wb: Workbook, problems: list[str], warnings: list[str]) -> None:
    names = list(wb.sheetnames)
    missing = [name for name in layout.SHEETS if name not in names]
    extra = [name for name in names if name not in layout.SHEETS]
    for name in missing:
        hint = f" (the workbook has {', '.join(repr(e) for e in extra)} instead)" if extra else ""
        problems.append(f"The sheet '{name}' is missing{hint}; sheets must not be renamed or deleted.")
    if not missing:
        for name in extra:
            warnings.append(f"The sheet '{name}' is not part of the tracker and was ignored.")


def read_about(wb: Workbook, view: TrackerView, problems: list[str]) -> tuple[int, str]:
    ws = wb[layout.ABOUT]
    about = {
        str(ws.cell(row=r, column=1).value or "").strip(): ws.cell(row=r, column=2).value
        for r in range(1, 12)
    }
    tracker = view.tracker
    employee, role = str(about.get("Employee number") or ""), str(about.get("Role code") or "")
    try:
        tracker_id, revision = int(str(about.get("Tracker id"))), int(str(about.get("Revision")))
    except ValueError:
        problems.append("The workbook's About sheet was changed, so it cannot be matched to a tracker.")
        return 0, ""
    if employee != tracker.employee.employee_number:
        problems.append(
            f"This workbook belongs to another employee ({employee}), not {tracker.employee.name}; "
            "download this tracker's workbook and edit that one."
        )
    elif tracker_id != tracker.id or role != tracker.role.code:
        problems.append(
            f"This workbook belongs to another tracker ({role}), not {tracker.role.name}; "
            "download this tracker's workbook and edit that one."
        )
    return revision, str(about.get("Exported at") or "")


def read_plan(session: Session, ws: Worksheet, reader: Reader) -> tuple[dict[str, str], dict[str, int]]:
    """The plan as written (course code -> quarter, checked later with the rest) and each code's row."""
    if not reader.header_ok(ws, layout.PLAN_HEADER):
        return {}, {}
    plan: dict[str, str] = {}
    rows: dict[str, int] = {}
    for row in data_rows(ws):
        quarter, code = reader.text(ws, row, 1), reader.text(ws, row, 2).upper()
        if not code:
            ignored.note_row_without_code(ws, row, reader.warnings)
            continue
        if code in rows:
            reader.problem(layout.PLAN, row, f"row {rows[code]} plans {code} too; keep one of them.")
            continue
        plan[code], rows[code] = quarter, row
    courses = {c.code: c for c in session.scalars(select(Course).where(Course.code.in_(list(plan))))}
    note_plan_edits(session, ws, reader, rows, courses)
    ignored.note_outside_columns(ws, len(layout.PLAN_HEADER), MAX_ROWS + 1, reader.warnings)
    return plan, rows


def note_plan_edits(
    session: Session, ws: Worksheet, reader: Reader, rows: dict[str, int], courses: dict[str, Course]
) -> None:
    """Titles, hours, statuses and "Added by" are written for reading; name each edit of them as ignored."""
    view = reader.view
    planned = {i.course.code: i for i in view.tracker.courses}
    added = [courses[code].id for code in rows if code in courses and code not in planned]
    live = learning_link.statuses(session, view.tracker.employee_id, added)
    for code, row in rows.items():
        course = courses.get(code)
        if course is None:
            continue
        item = planned.get(code)
        expected = ignored.PlannedRow(
            code=code,
            title=course.title,
            hours=course.hours,
            status=view.status(item) if item else live.get(course.id, "not started"),
            added_by=item.source if item else "",
        )
        ignored.note_plan_row(ws, row, expected, reader.warnings)


def read_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadRequest(f"{shown(value)} is not a date: write it like 2027-03-31.") from None


def read_goals(ws: Worksheet, reader: Reader) -> tuple[list[GoalDraft], list[int]]:
    """The goals as written (checked later with the rest) and the row of each. A cell the goal cannot be
    read from at all (an id that is not a number, a date that is not a date, a status other than open or
    done) is a problem of the sheet; what the goal says is the rules' business (trackers/rules.py)."""
    if not reader.header_ok(ws, layout.GOALS_HEADER):
        return [], []
    goals: list[GoalDraft] = []
    rows: list[int] = []
    for row in data_rows(ws):
        raw_id, text = reader.text(ws, row, 1), reader.text(ws, row, 2)
        status = reader.text(ws, row, 4).lower() or "open"
        if not raw_id and not text.split():
            continue
        try:
            target = read_date(reader.value(ws, row, 3))
        except BadRequest as exc:
            reader.problem(layout.GOALS, row, exc.message)
            continue
        if raw_id and not raw_id.isdigit():
            reader.problem(
                layout.GOALS, row, f"the goal id {shown(raw_id)} is not a number; clear it for a new goal."
            )
        elif status not in layout.GOAL_STATUSES:
            reader.problem(layout.GOALS, row, f"the status must be 'open' or 'done', not {shown(status)}.")
        else:
            goals.append(GoalDraft(int(raw_id) if raw_id else None, text, target, status == "done"))
            rows.append(row)
    ignored.note_outside_columns(ws, len(layout.GOALS_HEADER), MAX_ROWS + 1, reader.warnings)
    return goals, rows


def read_notes(ws: Worksheet, reader: Reader) -> str:
    ignored.note_heading(ws, layout.NOTES_HEADER, reader.warnings)
    ignored.note_outside_columns(ws, len(layout.NOTES_HEADER), MAX_ROWS + 1, reader.warnings)
    lines = [reader.text(ws, row, 1) for row in data_rows(ws)]
    return "\n".join(line for line in lines if line)


def read_workbook(session: Session, data: bytes, view: TrackerView) -> WorkbookEdits:
    wb = open_workbook(data)
    problems: list[str] = []
    warnings: list[str] = []
    check_sheets(wb, problems, warnings)
    if problems:
        raise WorkbookRejected(problems)
    revision, exported_at = read_about(wb, view, problems)
    if problems:
        raise WorkbookRejected(problems)
    if any(wb[name].max_row > MAX_ROWS for name in (layout.PLAN, layout.GOALS, layout.NOTES)):
        raise WorkbookRejected([f"A sheet has more than {MAX_ROWS} rows; a tracker is far smaller."])
    reader = Reader(view, warnings)
    plan, plan_rows = read_plan(session, wb[layout.PLAN], reader)
    goals, goal_rows = read_goals(wb[layout.GOALS], reader)
    notes = read_notes(wb[layout.NOTES], reader)
    # The same pass the apply runs before it writes anything (trackers/proposal.py), so every value the
    # apply would refuse is found here, with the apply's own message and the sheet and row it is on.
    proposal = Proposal(plan=plan, goals=goals, notes=notes)
    try:
        proposal = proposals.checked(session, view.tracker, proposal)
    except ProposalRejected as exc:
        for problem in exc.problems:
            if problem.area == "plan":
                reader.problem(layout.PLAN, plan_rows[str(problem.key)], problem.message)
            elif problem.area == "goals" and isinstance(problem.key, int):
                reader.problem(layout.GOALS, goal_rows[problem.key], problem.message)
            else:
                reader.located.append(
                    (layout.SHEETS.index(layout.NOTES), 0, f"{layout.NOTES}: {problem.message}")
                )
    if reader.problems:
        raise WorkbookRejected(reader.problems)
    ignored.note_read_only_edits(wb, layout.build_workbook(view), MAX_ROWS, warnings)
    return WorkbookEdits(proposal, revision, exported_at, warnings)
