"""The tracker as a workbook people can edit and upload back (see workbook_import.py for the way back).

Plan, Goals and Notes are the editable sheets; Gaps and Conversations are for reading. The very hidden
About sheet ties the file to one tracker and the revision it was exported at.
"""

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pathways.trackers.cells import put
from pathways.trackers.views import TrackerView

FORMAT_VERSION = 1
PLAN, GAPS, GOALS, NOTES, CONVERSATIONS, ABOUT = "Plan", "Gaps", "Goals", "Notes", "Conversations", "About"
SHEETS = (PLAN, GAPS, GOALS, NOTES, CONVERSATIONS, ABOUT)
PLAN_HEADER = ("Quarter", "Course code", "Course title", "Hours", "Status", "Added by")
GAPS_HEADER = (
    "Competency",
    "Code",
    "Required level",
    "Current level",
    "Current level comes from",
    "Self-rating",
    "Manager rating",
    "Gap",
)
GOALS_HEADER = ("Goal id", "Goal", "Target date", "Status")
NOTES_HEADER = ("Notes",)
CONVERSATIONS_HEADER = (
    "Asked for on",
    "Status",
    "Questions",
    "Held on",
    "Outcome",
    "Next steps",
    "Follow up by",
)
COURSE_STATUSES = ("completed", "in progress", "waived", "not started")
GOAL_STATUSES = ("open", "done")
# Room below the data for rows people add; validation covers them too.
EXTRA_ROWS = 200
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="084683")
WRAP = Alignment(wrap_text=True, vertical="top")


def header(ws: Worksheet, titles: Sequence[str], widths: Sequence[float]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = put(ws.cell(row=1, column=column), title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = "A2"


def rows(ws: Worksheet, data: Sequence[Sequence[Any]], start: int = 2, wrap: bool = False) -> int:
    for offset, values in enumerate(data):
        for column, value in enumerate(values, start=1):
            cell = put(ws.cell(row=start + offset, column=column), value)
            if wrap:
                cell.alignment = WRAP
    return start + len(data)


def choice(ws: Worksheet, column: str, options: Sequence[str], last_row: int, prompt: str) -> None:
    validation = DataValidation(
        type="list", formula1='"' + ",".join(options) + '"', allow_blank=True, showErrorMessage=True
    )
    validation.error, validation.errorTitle = f"Choose one of: {', '.join(options)}.", "Not a choice"
    validation.prompt, validation.promptTitle = prompt, "Status"
    validation.showInputMessage = True
    validation.add(f"{column}2:{column}{last_row}")
    ws.add_data_validation(validation)


def plan_sheet(ws: Worksheet, view: TrackerView) -> None:
    header(ws, PLAN_HEADER, (11, 14, 48, 8, 14, 12))
    data = [
        (i.quarter, i.course.code, i.course.title, i.course.hours, view.status(i), i.source)
        for i in view.plan
    ]
    end = rows(ws, data)
    choice(ws, "E", COURSE_STATUSES, end + EXTRA_ROWS, "Status comes from your learning record.")
    quarter = DataValidation(
        type="textLength", operator="between", formula1="6", formula2="7", allow_blank=True
    )
    quarter.error, quarter.errorTitle = "Write the quarter like 2027-Q1.", "Not a quarter"
    quarter.prompt, quarter.promptTitle, quarter.showInputMessage = "Like 2027-Q1", "Quarter", True
    quarter.showErrorMessage = True
    quarter.add(f"A2:A{end + EXTRA_ROWS}")
    ws.add_data_validation(quarter)


def gaps_sheet(ws: Worksheet, view: TrackerView) -> None:
    header(ws, GAPS_HEADER, (30, 22, 15, 14, 40, 12, 15, 8))
    analysis = view.analysis
    data: list[Sequence[Any]] = [
        (c.name, c.code, c.required, c.current, c.basis_text, c.self_rating, c.manager_rating, c.gap)
        for c in analysis.competencies
    ]
    readiness = analysis.readiness
    data += [
        (),
        (
            "Readiness, proportional",
            f"{readiness.percent}%",
            f"{readiness.reached} of {readiness.required} levels",
        ),
        ("Competencies fully met", f"{readiness.met} of {readiness.count}"),
        ("Time in role", analysis.time_in_role.message),
    ]
    data += [
        ("Certification", c.name, "required" if c.required else "preferred", "held" if c.held else "not held")
        for c in analysis.certifications
    ]
    data += [
        (
            "Required course",
            c.code,
            c.title,
            "completed" if c.completed else c.planned_quarter or "not planned",
        )
        for c in analysis.required_courses
    ]
    rows(ws, data)


def goals_sheet(ws: Worksheet, view: TrackerView) -> None:
    header(ws, GOALS_HEADER, (9, 60, 13, 10))
    goals = view.tracker.goals
    end = rows(ws, [(g.id, g.text, g.target_date, "done" if g.done else "open") for g in goals])
    choice(ws, "D", GOAL_STATUSES, end + EXTRA_ROWS, "open or done")


def notes_sheet(ws: Worksheet, view: TrackerView, sees_notes: bool = True) -> None:
    header(ws, NOTES_HEADER, (100,))
    # The private notes are the employee's own: a supervisor's download leaves the sheet empty.
    put(ws.cell(row=2, column=1), view.tracker.notes if sees_notes else "").alignment = WRAP


def conversations_sheet(ws: Worksheet, view: TrackerView) -> None:
    header(ws, CONVERSATIONS_HEADER, (14, 11, 40, 12, 40, 40, 13))
    data: list[Sequence[Any]] = [
        (c.requested_at, c.status, c.questions, c.held_on, c.outcome, c.next_steps, c.follow_up_on)
        for c in view.tracker.conversations
    ]
    comments = view.tracker.comments
    if comments:
        data += [(), ("Comments", "Kind", "From", "", "Comment")]
        data += [(c.created_at, c.kind, c.author_name, "", c.body) for c in comments]
    rows(ws, data, wrap=True)


def about_sheet(ws: Worksheet, view: TrackerView, exported_at: dt.datetime) -> None:
    tracker = view.tracker
    rows(
        ws,
        [
            ("Tracker id", tracker.id),
            ("Employee number", tracker.employee.employee_number),
            ("Role code", tracker.role.code),
            ("Revision", tracker.revision),
            ("Exported at", exported_at.astimezone(dt.UTC).isoformat(timespec="seconds")),
            ("Format version", FORMAT_VERSION),
        ],
        start=1,
    )
    ws.sheet_state = "veryHidden"


def build_workbook(
    view: TrackerView, exported_at: dt.datetime | None = None, sees_notes: bool = True
) -> Workbook:
    wb = Workbook()
    tracker = view.tracker
    wb.properties.creator = "Pathways"
    wb.properties.title = f"{tracker.employee.name}: career path tracker for {tracker.role.name}"
    plan = wb.active
    plan.title = PLAN
    plan_sheet(plan, view)
    gaps_sheet(wb.create_sheet(GAPS), view)
    goals_sheet(wb.create_sheet(GOALS), view)
    notes_sheet(wb.create_sheet(NOTES), view, sees_notes)
    conversations_sheet(wb.create_sheet(CONVERSATIONS), view)
    about_sheet(wb.create_sheet(ABOUT), view, exported_at or dt.datetime.now(dt.UTC))
    wb.active = 0
    return wb


def export_bytes(view: TrackerView, exported_at: dt.datetime | None = None, sees_notes: bool = True) -> bytes:
    buffer = io.BytesIO()
    build_workbook(view, exported_at, sees_notes).save(buffer)
    return buffer.getvalue()


def filename(view: TrackerView) -> str:
    tracker = view.tracker
    return f"tracker-{tracker.employee.employee_number}-{tracker.role.code}.xlsx"
