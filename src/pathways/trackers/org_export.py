"""Every tracker in the organisation in one workbook, for HR and learning reports.

openpyxl's write-only mode streams rows to disk, and trackers are read from the database in batches of about
BATCH rows, so memory stays flat however many trackers there are. Levels are read for a batch's people at once
(competencies.evidence.levels_for_many), not person by person.
"""

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.careers.models import Role, RoleCompetency
from pathways.competencies.evidence import Levels, levels_for_many
from pathways.learning.models import Course
from pathways.org.models import Employee
from pathways.trackers import learning_link
from pathways.trackers.cells import put
from pathways.trackers.models import CareerTracker, TrackerCourse

BATCH = 500
TRACKERS_HEADER = (
    "Tracker id",
    "Employee number",
    "Employee",
    "Target role",
    "Readiness %",
    "Met",
    "Required",
    "Gaps",
    "Courses planned",
    "Revision",
    "Plan approved",
    "Last change",
)
PLAN_HEADER = (
    "Tracker id",
    "Employee number",
    "Target role",
    "Quarter",
    "Course code",
    "Course title",
    "Status",
)
GAPS_HEADER = ("Tracker id", "Employee number", "Target role", "Competency", "Required", "Current", "Gap")
BOLD = Font(bold=True)


class Sheet:
    def __init__(self, wb: Workbook, title: str, header: Sequence[str], widths: Sequence[int]) -> None:
        self.ws = wb.create_sheet(title)
        self.ws.freeze_panes = "A2"
        for column, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(column)].width = width
        cells = [put(WriteOnlyCell(self.ws), title) for title in header]
        for cell in cells:
            cell.font = BOLD
        self.ws.append(cells)

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([put(WriteOnlyCell(self.ws), value) for value in values])


def role_requirements(session: Session) -> dict[int, tuple[str, list[tuple[str, int]]]]:
    query = select(Role).options(selectinload(Role.requirements).selectinload(RoleCompetency.competency))
    return {
        role.id: (role.code, [(r.competency.code, r.level) for r in role.requirements])
        for role in session.scalars(query)
    }


def employee_batches(partitions: Iterable[Sequence[Any]]) -> Iterator[list[list[Any]]]:
    """Rows ordered by employee, grouped by employee, a partition at a time; one person is never split."""
    held: list[Any] = []
    for part in partitions:
        held.extend(part)
        last = held[-1].employee_id
        ready = [row for row in held if row.employee_id != last]  # all but the last person, who may go on
        held = held[len(ready) :]
        if ready:
            yield [list(group) for _, group in groupby(ready, key=lambda row: row.employee_id)]
    if held:
        yield [held]


def export_all(session: Session, target: Path | IO[bytes]) -> int:
    wb = Workbook(write_only=True)
    trackers_sheet = Sheet(wb, "Trackers", TRACKERS_HEADER, (10, 16, 24, 22, 12, 6, 9, 6, 15, 9, 13, 18))
    plan_sheet = Sheet(wb, "Plan", PLAN_HEADER, (10, 16, 22, 9, 12, 44, 12))
    gaps_sheet = Sheet(wb, "Gaps", GAPS_HEADER, (10, 16, 22, 30, 9, 8, 6))
    roles = role_requirements(session)
    rows = session.execute(
        select(
            CareerTracker.id,
            CareerTracker.employee_id,
            CareerTracker.role_id,
            CareerTracker.revision,
            CareerTracker.approved_revision,
            CareerTracker.updated_at,
            Employee.employee_number,
            Employee.name,
        )
        .join(Employee, Employee.id == CareerTracker.employee_id)
        .order_by(CareerTracker.employee_id, CareerTracker.id)
        .execution_options(yield_per=BATCH)
    )
    count = 0
    codes = {code for _, requirements in roles.values() for code, _ in requirements}
    for batch in employee_batches(rows.partitions()):
        levels_of = levels_for_many(session, [trackers[0].employee_id for trackers in batch], codes)
        for trackers in batch:
            count += _append_employee(
                session, trackers, roles, levels_of, (trackers_sheet, plan_sheet, gaps_sheet)
            )
    wb.save(target)
    return count


def _append_employee(
    session: Session,
    trackers: list[Any],
    roles: dict[int, tuple[str, list[tuple[str, int]]]],
    levels_of: Levels,
    sheets: tuple[Sheet, Sheet, Sheet],
) -> int:
    """One person's trackers onto the three sheets; returns how many."""
    trackers_sheet, plan_sheet, gaps_sheet = sheets
    employee_id = trackers[0].employee_id
    levels = {code: current.level for code, current in levels_of[employee_id].items()}
    planned = session.execute(
        select(TrackerCourse.tracker_id, TrackerCourse.quarter, Course.id, Course.code, Course.title)
        .join(Course, Course.id == TrackerCourse.course_id)
        .where(TrackerCourse.tracker_id.in_([t.id for t in trackers]))
        .order_by(TrackerCourse.tracker_id, TrackerCourse.quarter, Course.code)
    ).all()
    statuses = learning_link.statuses(session, employee_id, sorted({p.id for p in planned}))
    for tracker in trackers:
        role_code, requirements = roles[tracker.role_id]
        reached = sum(min(levels.get(code, 0), level) for code, level in requirements)
        required = sum(level for _, level in requirements)
        gaps = [
            (code, level, levels.get(code, 0)) for code, level in requirements if levels.get(code, 0) < level
        ]
        courses = [p for p in planned if p.tracker_id == tracker.id]
        trackers_sheet.append(
            (
                tracker.id,
                tracker.employee_number,
                tracker.name,
                role_code,
                round(100 * reached / required) if required else 100,
                len(requirements) - len(gaps),
                len(requirements),
                len(gaps),
                len(courses),
                tracker.revision,
                "yes" if tracker.approved_revision == tracker.revision else "no",
                tracker.updated_at,
            )
        )
        for p in courses:
            plan_sheet.append(
                (
                    tracker.id,
                    tracker.employee_number,
                    role_code,
                    p.quarter,
                    p.code,
                    p.title,
                    statuses[p.id],
                )
            )
        for code, level, current in gaps:
            gaps_sheet.append(
                (tracker.id, tracker.employee_number, role_code, code, level, current, level - current)
            )
    return len(trackers)
