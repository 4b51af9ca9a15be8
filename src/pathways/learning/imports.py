"""Importing completions from the LMS's CSV export: employee,course,completed_at,score.

The file is streamed (memory stays flat whatever its size): employees and courses are loaded into dicts once,
rows are checked one by one and recorded in batches through completions.record_completions. A problem with
the file as a whole (encoding, header, empty) stops the import and changes nothing; a problem with one row
rejects that row, with its number and the reason. A dry run only reads (the keys met so far are kept aside,
in seen_keys), and its counts are exactly what applying would do. Re-importing the same file changes nothing.
A long import commits batch by batch through `between_batches` (import_jobs.py), after check_file.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import errors
from pathways.csvfile import FORMULA_STARTS, read_records
from pathways.errors import BadRequest
from pathways.learning.completion_rules import date_problem
from pathways.learning.completions import (
    CompletionKey,
    NewCompletion,
    existing_completions,
    record_completions,
)
from pathways.learning.models import Course
from pathways.learning.seen_keys import SeenKeys
from pathways.org.models import Employee

COLUMNS = ("employee", "course", "completed_at", "score")
REQUIRED_COLUMNS = COLUMNS[:3]
# The browser upload limit; the CLI (`pathways completions import FILE`) streams files of any size.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_CELL = 254  # the longest email address; nothing valid in this file is longer
BATCH = 2000
MAX_LISTED = 1000  # rejected rows listed one by one; beyond that they are counted
SAMPLES = 20
NOTHING_IMPORTED = "Nothing was imported."
EMPTY_FILE = f"The file is empty. {NOTHING_IMPORTED}"
NO_ROWS = f"The file has a header row but no completions. {NOTHING_IMPORTED}"


class ImportFileError(BadRequest):
    """The file as a whole cannot be imported."""


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str


@dataclass(frozen=True)
class RowPreview:
    row: int
    employee: str
    course: str
    completed_at: dt.date
    score: int | None


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    new: int = 0  # recorded, or to be recorded by a dry run
    known: int = 0  # already recorded before this import
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    new_samples: list[RowPreview] = field(default_factory=list)
    known_samples: list[RowPreview] = field(default_factory=list)
    on_reject: Callable[[Rejection], None] | None = field(default=None, repr=False, compare=False)

    def reject(self, row: int, reason: str) -> None:
        self.rejected += 1
        rejection = Rejection(row, reason)
        if len(self.rejections) < MAX_LISTED:
            self.rejections.append(rejection)
        if self.on_reject is not None:
            self.on_reject(rejection)

    def summary(self) -> str:
        verb = "to record" if self.dry_run else "recorded"
        return (
            f"{self.rows} rows: {self.new} {verb}, {self.known} already known, {self.rejected} rejected"
            + (" (dry run: nothing changed)" if self.dry_run else "")
        )

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "new": self.new, "known": self.known, "rejected": self.rejected}


def shown(value: str) -> str:
    # Echo a bad value so it can be found: quoted, short (it may be anything) and with control characters
    # escaped (a NUL is shown as \x00, never written raw into a page, a terminal or the rejects file).
    return errors.shown(value, limit=40)


@dataclass(frozen=True)
class _Person:
    id: int
    hire_date: dt.date
    name: str


class _Lookups:
    """Employees by email and by number, courses by code: loaded once, so rows cost no queries."""

    def __init__(self, session: Session) -> None:
        self.people: dict[str, _Person] = {}
        columns = (Employee.id, Employee.email, Employee.employee_number, Employee.hire_date, Employee.name)
        for employee_id, email, number, hire_date, name in session.execute(select(*columns)):
            person = _Person(employee_id, hire_date, name)
            self.people[email.lower()] = person
            self.people[number.upper()] = person
        self.courses: dict[str, int] = dict(session.execute(select(Course.code, Course.id)).all())
        self.courses = {code.upper(): course_id for code, course_id in self.courses.items()}


def _records(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    return read_records(stream, lambda message: ImportFileError(f"{message} {NOTHING_IMPORTED}"))


@dataclass(frozen=True)
class _Columns:
    """Where each column is: rows are read by position, not through a dict per row."""

    employee: int
    course: int
    completed_at: int
    score: int | None
    width: int


def _header(cells: list[str]) -> _Columns:
    names = [cell.strip().lower() for cell in cells]
    expected = ",".join(COLUMNS)
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unexpected = [cell for cell, name in zip(cells, names, strict=True) if name not in COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if unexpected:
        problems.append("unexpected column" + ("s" if len(unexpected) > 1 else "") + ": "
                        + ", ".join(shown(c) for c in unexpected) + " (renamed?)")  # fmt: skip
    if repeated:
        problems.append(f"repeated column: {', '.join(repeated)}")
    if problems:
        raise ImportFileError(
            f"The header row must be {expected} (score may be left out); {'; '.join(problems)}. "
            f"{NOTHING_IMPORTED}"
        )
    score = names.index("score") if "score" in names else None
    return _Columns(
        names.index("employee"), names.index("course"), names.index("completed_at"), score, len(names)
    )


def _date(value: str) -> dt.date | None:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value).date()  # LMS exports often add a time: keep the day
    except ValueError:
        return None


SCORE = re.compile(r"0|[1-9][0-9]?|100")


def _score(value: str) -> int | str | None:
    """The score, None when the cell is empty, or the reason it is not valid.

    Exact and strict: a score is evidence, so it is the LMS's number as the LMS writes it, digits only. Not
    1e2, +50, 50.0, 075 or " 75 " (spaces are not trimmed here, unlike the other columns: a number with
    spaces was typed or edited by hand, and someone should look at it)."""
    if not value:
        return None
    if SCORE.fullmatch(value):
        return int(value)
    return (
        f"score {shown(value)} must be a whole number from 0 to 100 written in digits only (no sign, spaces, "
        "decimal point, exponent or leading zero), or left empty"
    )


def _cell_problem(*values: str) -> str | None:
    for name, value in zip(REQUIRED_COLUMNS, values, strict=True):
        if value.startswith(FORMULA_STARTS):
            return f"{name} {shown(value)} looks like a spreadsheet formula; it was not evaluated"
        if len(value) > MAX_CELL:
            return f"{name} is longer than {MAX_CELL} characters"
    return None


Checked = tuple[NewCompletion, str, str]  # the completion, the employee's name, the course code


def _check(cells: list[str], columns: _Columns, lookups: _Lookups, today: dt.date) -> Checked | str:
    """The parsed row, or why it is rejected. Runs once a row: kept lean."""
    if len(cells) != columns.width:
        return f"has {len(cells)} cells but the header has {columns.width}"
    employee_ref, course_code, when = (
        cells[columns.employee],
        cells[columns.course],
        cells[columns.completed_at],
    )
    if (
        employee_ref.startswith(FORMULA_STARTS)
        or course_code.startswith(FORMULA_STARTS)
        or when.startswith(FORMULA_STARTS)
        or len(employee_ref) + len(course_code) + len(when) > MAX_CELL
    ):
        problem = _cell_problem(employee_ref, course_code, when)
        if problem:
            return problem
    employee_ref, course_code, when = employee_ref.strip(), course_code.strip(), when.strip()
    if not employee_ref:
        return "employee is empty"
    person = lookups.people.get(employee_ref.lower() if "@" in employee_ref else employee_ref.upper())
    if person is None:
        return f"no employee with email or number {shown(employee_ref)}"
    course_code = course_code.upper()
    course_id = lookups.courses.get(course_code)
    if course_id is None:
        return f"no course with code {shown(course_code)}" if course_code else "course is empty"
    completed_at = _date(when)
    if completed_at is None:
        return f"completed_at {shown(when)} is not a date like 2026-03-31"
    date_issue = date_problem(completed_at, person.hire_date, today)
    if date_issue is not None:
        return date_issue.message
    score = _score(cells[columns.score]) if columns.score is not None else None
    if isinstance(score, str):
        return score
    return NewCompletion(person.id, course_id, completed_at, score), person.name, course_code


@dataclass
class _Batch:
    rows: list[tuple[int, Checked]] = field(default_factory=list)
    first_row: dict[CompletionKey, int] = field(default_factory=dict)


def _sample(row: int, checked: Checked) -> RowPreview:
    new, name, code = checked
    return RowPreview(row, name, code, new.completed_at, new.score)


def _flush(
    session: Session,
    batch: _Batch,
    report: ImportReport,
    seen: SeenKeys,
    on_recorded: Callable[[set[int]], object] | None = None,
) -> None:
    earlier = seen.first_rows([(checked[0].key, row) for row, checked in batch.rows])
    fresh = [(row, checked) for row, checked in batch.rows if checked[0].key not in earlier]
    for row, checked in batch.rows:
        if checked[0].key in earlier:
            report.reject(row, f"repeats row {earlier[checked[0].key]} (same employee, course and date)")
    rows = [checked[0] for _, checked in fresh]
    if report.dry_run:
        known = existing_completions(session, sorted(row.key for row in rows))
    else:
        known = record_completions(session, rows, source="csv")
        recorded_for = {row.employee_id for row in rows if row.key not in known}
        if on_recorded is not None and recorded_for:
            on_recorded(recorded_for)
    for row, checked in fresh:
        if checked[0].key in known:
            report.known += 1
            if len(report.known_samples) < SAMPLES:
                report.known_samples.append(_sample(row, checked))
        else:
            report.new += 1
            if len(report.new_samples) < SAMPLES:
                report.new_samples.append(_sample(row, checked))
    batch.rows.clear()
    batch.first_row.clear()


def check_file(stream: IO[bytes]) -> None:
    """run_import's checks of the file as a whole, alone: one read of every row, none looked at.

    An import that commits batch by batch runs this first, so that a bad byte at row 900,000 stops it before
    anything is written. The stream is left where it started.
    """
    start = stream.tell()
    header = rows = False
    for _row, cells in _records(stream):
        if rows or (not (cells and cells[0].strip()) and not any(cell.strip() for cell in cells)):
            continue  # past the first row, only decoding and parsing are left to check
        if header:
            rows = True
        else:
            _header(cells)
            header = True
    if not header:
        raise ImportFileError(EMPTY_FILE)
    if not rows:
        raise ImportFileError(NO_ROWS)
    stream.seek(start)


def run_import(
    session: Session,
    stream: IO[bytes],
    *,
    today: dt.date,
    dry_run: bool,
    on_progress: Callable[[int], None] | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    batch_size: int = BATCH,
    between_batches: Callable[[ImportReport], None] | None = None,
    on_recorded: Callable[[set[int]], object] | None = None,
) -> ImportReport:
    """Check every row and record the good ones (count them, in a dry run).

    `between_batches` runs after each batch is recorded: the caller may commit there (import_jobs.py), having
    run check_file first. `on_recorded` hears, in each batch's transaction, whose completions the batch
    recorded (import_jobs: their badges). Without `between_batches` the import is one savepoint: a file-level
    error found late (a bad byte at row 900,000) undoes the batches already recorded, whatever the caller does
    next.
    """
    report = ImportReport(dry_run=dry_run, on_reject=on_reject)
    lookups = _Lookups(session)
    savepoint = None if dry_run or between_batches else session.begin_nested()
    seen = SeenKeys()
    try:
        columns: _Columns | None = None
        batch = _Batch()
        for row, cells in _records(stream):
            if not (cells and cells[0].strip()) and not any(cell.strip() for cell in cells):
                continue  # blank lines (or lines of empty cells) are not rows
            if columns is None:
                columns = _header(cells)
                continue
            report.rows += 1
            checked = _check(cells, columns, lookups, today)
            if isinstance(checked, str):
                report.reject(row, checked)
                continue
            first = batch.first_row.setdefault(checked[0].key, row)
            if first != row:
                report.reject(row, f"repeats row {first} (same employee, course and date)")
                continue
            batch.rows.append((row, checked))
            if len(batch.rows) >= batch_size:
                _flush(session, batch, report, seen, on_recorded)
                if between_batches and not dry_run:
                    between_batches(report)
                if on_progress:
                    on_progress(report.rows)
        if columns is None:
            raise ImportFileError(EMPTY_FILE)
        if report.rows == 0:
            raise ImportFileError(NO_ROWS)
        _flush(session, batch, report, seen, on_recorded)
        if on_progress:
            on_progress(report.rows)
    except BaseException:
        if savepoint is not None:
            savepoint.rollback()
        raise
    finally:
        seen.close()
    if savepoint is not None:
        savepoint.commit()
    return report
