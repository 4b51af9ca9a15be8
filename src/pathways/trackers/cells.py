"""Cell values that are always data: text a spreadsheet would take for a formula is stored as text."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell

from pathways.csvfile import FORMULA_STARTS

# Control characters are not allowed in the XML of a workbook; Excel asks to repair a file holding them.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CellValue = str | int | float | dt.date | dt.datetime | None


def clean_text(text: str) -> str:
    return ILLEGAL.sub("", text)


def needs_escape(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def plain(value: Any) -> CellValue:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dt.datetime):
        # Spreadsheets have no time zones; write the UTC wall time without one.
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return value


def put(cell: Cell, value: Any) -> Cell:
    """Set a cell so that text is text: a leading = + - @ becomes a quoted string, never a formula."""
    value = plain(value)
    cell.value = value
    if needs_escape(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell
