"""Edits a workbook import does not take, each named with its sheet and cell.

Only quarters and course codes, goals and notes are imported. Anything else a person changed (a course
title, hours, "Added by", a status, a heading, a cell beside the tracker's columns, the read-only sheets)
is ignored, and the preview says so cell by cell, so nobody believes such an edit was saved.

What the export wrote is known without keeping a copy of it: titles and hours come from the course
catalogue, "Added by" and statuses from the tracker and the learning record, the read-only sheets are
rebuilt from the live tracker. Plan rows are matched by course code, not by position, so moving, adding or
deleting rows is never mistaken for editing them.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pathways.trackers import workbook as layout

READ_ONLY_SHEETS = (layout.GAPS, layout.CONVERSATIONS)
SHOWN_CELLS = 6  # a warning names this many cells, then counts the rest


def normal(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()[:16]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(getattr(value, "text", value)).strip()


def raw(ws: Worksheet, row: int, column: int) -> str:
    return normal(ws.cell(row=row, column=column).value)


def coordinate(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def cells_phrase(cells: Sequence[str]) -> str:
    shown = list(cells[:SHOWN_CELLS])
    rest = len(cells) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} more cell{'s' if rest > 1 else ''}"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def filled_cells(ws: Worksheet, last_row: int) -> Iterable[tuple[int, int]]:
    # The cells the file holds, not the whole rectangle up to max_row x max_column: one stray value in
    # column XFD must not make this walk millions of empty cells.
    for (row, column), cell in ws._cells.items():
        if row <= last_row and normal(cell.value):
            yield row, column


def note_outside_columns(ws: Worksheet, width: int, last_row: int, warnings: list[str]) -> None:
    outside = sorted((r, c) for r, c in filled_cells(ws, last_row) if c > width)
    if outside:
        cells = [coordinate(r, c) for r, c in outside]
        span = "column A belongs" if width == 1 else f"columns A to {get_column_letter(width)} belong"
        held = "what these cells hold was" if len(cells) > 1 else "what this cell holds was"
        warnings.append(f"{ws.title} {cells_phrase(cells)}: only {span} to the tracker, so {held} ignored.")


def note_heading(ws: Worksheet, headings: Sequence[str], warnings: list[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        found = raw(ws, 1, column)
        if found.lower() != heading.lower():
            warnings.append(
                f"{ws.title} {coordinate(1, column)}: the heading is '{heading}'; the change to "
                f"'{found}' was ignored."
            )


@dataclass(frozen=True)
class PlannedRow:
    """What the export would write for a course code, to compare a plan row against."""

    code: str
    title: str
    hours: Decimal
    status: str
    added_by: str  # blank for a course the workbook adds


def same_hours(text: str, hours: Decimal) -> bool:
    try:
        return Decimal(text) == hours
    except InvalidOperation:
        return False


def note_plan_row(ws: Worksheet, row: int, expected: PlannedRow, warnings: list[str]) -> None:
    code = expected.code
    title, hours = raw(ws, row, 3), raw(ws, row, 4)
    status, added_by = raw(ws, row, 5).lower(), raw(ws, row, 6)
    if title and title != expected.title:
        warnings.append(
            f"Plan C{row}: the title of {code} comes from the course catalogue ('{expected.title}'); "
            f"'{title}' was ignored."
        )
    if hours and not same_hours(hours, expected.hours):
        warnings.append(
            f"Plan D{row}: the hours of {code} come from the course catalogue ({expected.hours:g}); "
            f"'{hours}' was ignored."
        )
    if status and status != expected.status:
        warnings.append(
            f"Plan E{row}: the status of {code} comes from your learning record ('{expected.status}'); "
            f"the change to '{status}' was ignored."
        )
    if added_by and added_by != expected.added_by:
        warnings.append(
            f"Plan F{row}: 'Added by' is recorded by Pathways"
            + (f" ('{expected.added_by}')" if expected.added_by else "")
            + f"; '{added_by}' was ignored."
        )


def note_row_without_code(ws: Worksheet, row: int, warnings: list[str]) -> None:
    filled = [coordinate(row, c) for c in range(1, len(layout.PLAN_HEADER) + 1) if raw(ws, row, c)]
    if filled:
        warnings.append(f"Plan {cells_phrase(filled)}: the row has no course code, so it was ignored.")


def note_read_only_edits(uploaded: Workbook, expected: Workbook, last_row: int, warnings: list[str]) -> None:
    for name in READ_ONLY_SHEETS:
        ws, fresh = uploaded[name], expected[name]
        rows = min(max(ws.max_row, fresh.max_row), last_row)
        wrote = {(r, c) for r, c in filled_cells(fresh, rows)}
        changed = sorted(
            (r, c)
            for r, c in wrote | set(filled_cells(ws, rows))
            if normal(ws.cell(row=r, column=c).value) != normal(fresh.cell(row=r, column=c).value)
        )
        if changed:
            cells = cells_phrase([coordinate(r, c) for r, c in changed])
            warnings.append(
                f"{name} {cells} differ from the live tracker; the {name} sheet is for reading and is "
                "never imported."
            )
