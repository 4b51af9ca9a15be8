"""Every edit the import does not take is named, sheet and cell, in the preview's warnings."""

from openpyxl.workbook.workbook import Workbook
from sqlalchemy.orm import Session

from pathways.trackers import imports, service, views
from pathways.trackers.models import CareerTracker
from tests.trackers.support import exported, to_bytes, user


def planned(session: Session, tracker: CareerTracker) -> CareerTracker:
    alice = user(session, "psr_alice")
    service.plan_course(session, tracker, "REV-201", "2027-Q1", alice)
    service.plan_course(session, tracker, "REV-210", "2027-Q2", alice)
    service.add_goal(session, tracker, "Lead the morning huddle", None, alice)
    service.set_notes(session, tracker, "Talk to Bea.", alice)
    return service.get_tracker(session, tracker.id)


def preview(session: Session, tracker: CareerTracker, wb: Workbook) -> imports.ImportPreview:
    view = views.build(session, service.get_tracker(session, tracker.id))
    return imports.preview(session, to_bytes(wb), view)


def row_of(wb: Workbook, code: str) -> int:
    return next(r[0].row for r in wb["Plan"].iter_rows(min_row=2) if r[1].value == code)


def warnings_for(session: Session, tracker: CareerTracker, wb: Workbook) -> list[str]:
    result = preview(session, tracker, wb)
    assert result.changes == [], "an ignored edit changes nothing"
    return result.edits.warnings


def test_an_untouched_workbook_or_reordered_rows_give_no_warnings(
    session: Session, tracker: CareerTracker
) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    assert warnings_for(session, tracker, wb) == []
    plan = wb["Plan"]
    first, second = [[c.value for c in plan[r]] for r in (2, 3)]
    for column, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        plan.cell(row=2, column=column, value=b)
        plan.cell(row=3, column=column, value=a)
    assert warnings_for(session, tracker, wb) == [], "rows are matched by course code, not position"


def test_title_hours_and_added_by_edits_are_named_by_cell(session: Session, tracker: CareerTracker) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    row = row_of(wb, "REV-201")
    title = wb["Plan"][f"C{row}"].value
    wb["Plan"][f"C{row}"] = "My own title"
    wb["Plan"][f"D{row}"] = 99
    wb["Plan"][f"F{row}"] = "my manager"
    warnings = warnings_for(session, tracker, wb)
    assert warnings == [
        f"Plan C{row}: the title of REV-201 comes from the course catalogue ('{title}'); "
        "'My own title' was ignored.",
        f"Plan D{row}: the hours of REV-201 come from the course catalogue "
        f"({tracker.courses[0].course.hours:g}); '99' was ignored.",
        f"Plan F{row}: 'Added by' is recorded by Pathways ('manual'); 'my manager' was ignored.",
    ]


def test_cells_beside_the_tracker_columns_are_named(session: Session, tracker: CareerTracker) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    wb["Plan"]["G1"] = "My column"
    wb["Plan"]["G2"] = "ask Bea"
    wb["Goals"]["E2"] = "half done"
    wb["Notes"]["B2"] = "a note beside the notes"
    warnings = warnings_for(session, tracker, wb)
    assert (
        "Plan G1 and G2: only columns A to F belong to the tracker, so what these cells hold was ignored."
        in warnings
    )
    goals = "Goals E2: only columns A to D belong to the tracker, so what this cell holds was ignored."
    assert goals in warnings
    assert "Notes B2: only column A belongs to the tracker, so what this cell holds was ignored." in warnings
    assert len(warnings) == 3, warnings


def test_the_notes_heading_and_a_row_without_a_code(session: Session, tracker: CareerTracker) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    wb["Notes"]["A1"] = "My notes"
    wb["Plan"]["D9"] = 4
    wb["Plan"]["F9"] = "me"
    warnings = warnings_for(session, tracker, wb)
    assert warnings == [
        "Plan D9 and F9: the row has no course code, so it was ignored.",
        "Notes A1: the heading is 'Notes'; the change to 'My notes' was ignored.",
    ]


def test_a_new_row_is_checked_against_the_catalogue_and_learning_record(
    session: Session, tracker: CareerTracker
) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    wb["Plan"].append(["2027-Q3", "REV-220", "", "", "completed", "me"])
    result = preview(session, tracker, wb)
    assert [c.text for c in result.changes] == ["Add course REV-220 (2027-Q3)"]
    row = row_of(wb, "REV-220")
    assert result.edits.warnings == [
        f"Plan E{row}: the status of REV-220 comes from your learning record ('not started'); "
        "the change to 'completed' was ignored.",
        f"Plan F{row}: 'Added by' is recorded by Pathways; 'me' was ignored.",
    ]


def test_read_only_sheets_name_the_changed_cells(session: Session, tracker: CareerTracker) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    for cell in ("C2", "C3", "D4", "H5", "C6", "C7", "C8", "J30"):
        wb["Gaps"][cell] = 9
    wb["Conversations"]["A1"] = "When"
    warnings = warnings_for(session, tracker, wb)
    assert warnings == [
        "Gaps C2, C3, D4, H5, C6, C7 and 2 more cells differ from the live tracker; the Gaps sheet is "
        "for reading and is never imported.",
        "Conversations A1 differ from the live tracker; the Conversations sheet is for reading and is "
        "never imported.",
    ]


def test_a_stray_cell_far_away_is_named_without_walking_every_empty_cell(
    session: Session, tracker: CareerTracker
) -> None:
    tracker = planned(session, tracker)
    wb = exported(session, tracker)
    wb["Goals"]["XFD1999"] = "far away"
    wb["Notes"]["XFD1999"] = "far away"
    stored = {name: len(wb[name]._cells) for name in ("Goals", "Notes")}
    warnings = warnings_for(session, tracker, wb)
    # openpyxl stores every cell it is asked for: walking the 2,000 by 16,384 empty cells up to the stray one
    # would leave millions behind. A count, not a stopwatch, so a busy machine cannot fail it.
    assert all(len(wb[name]._cells) <= stored[name] + 50 for name in stored), stored
    assert any(w.startswith("Goals XFD1999: only columns A to D") for w in warnings)
    assert any(w.startswith("Notes XFD1999: only column A") for w in warnings)
