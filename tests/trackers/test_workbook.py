import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.learning.models import ChosenCourse, Course
from pathways.trackers import imports, service, views, workbook
from pathways.trackers.models import CareerTracker
from tests.trackers.support import exported, to_bytes, user


def planned_tracker(session: Session, tracker: CareerTracker) -> CareerTracker:
    alice = user(session, "psr_alice")
    service.plan_course(session, tracker, "REV-201", "2027-Q1", alice)
    service.plan_course(session, tracker, "REV-210", "2027-Q2", alice)
    service.plan_course(session, tracker, "EHR-201", "2027-Q2", alice)
    service.add_goal(session, tracker, "Lead the morning huddle", dt.date(2027, 6, 30), alice)
    service.set_notes(session, tracker, "Talk to Bea about difficult draws.", alice)
    return service.get_tracker(session, tracker.id)


def test_the_workbook_has_its_sheets_headers_and_hidden_about(
    session: Session, tracker: CareerTracker
) -> None:
    tracker = planned_tracker(session, tracker)
    wb = exported(session, tracker)
    assert wb.sheetnames == ["Plan", "Gaps", "Goals", "Notes", "Conversations", "About"]
    assert wb["About"].sheet_state == "veryHidden"
    assert all(wb[name].sheet_state == "visible" for name in wb.sheetnames[:-1])
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True)}
    assert about["Tracker id"] == tracker.id and about["Revision"] == tracker.revision
    assert about["Employee number"] == tracker.employee.employee_number and about["Role code"] == "psr-2"
    assert dt.datetime.fromisoformat(about["Exported at"]).tzinfo is not None
    plan = wb["Plan"]
    assert plan.freeze_panes == "A2" and wb["Gaps"].freeze_panes == "A2" and wb["Goals"].freeze_panes == "A2"
    assert [c.value for c in plan[1]] == list(workbook.PLAN_HEADER) and plan["A1"].font.b
    assert plan.column_dimensions["C"].width > 30
    rows = [r[:2] for r in plan.iter_rows(min_row=2, values_only=True)]
    assert rows == [("2027-Q1", "REV-201"), ("2027-Q2", "EHR-201"), ("2027-Q2", "REV-210")]
    lists = [v for v in plan.data_validations.dataValidation if v.type == "list"]
    assert lists and lists[0].formula1 == '"completed,in progress,waived,not started"'
    assert "E2" in lists[0].sqref
    goals_status = wb["Goals"].data_validations.dataValidation[0]
    assert goals_status.formula1 == '"open,done"'
    gaps = {r[1]: r for r in wb["Gaps"].iter_rows(min_row=2, values_only=True) if r and r[1]}
    analysis = views.build(session, tracker).analysis
    for gap in analysis.competencies:
        assert gaps[gap.code][2:4] == (gap.required, gap.current) and gaps[gap.code][7] == gap.gap


def test_text_that_looks_like_a_formula_is_stored_as_text(session: Session, tracker: CareerTracker) -> None:
    alice = user(session, "psr_alice")
    service.add_goal(session, tracker, '=HYPERLINK("http://evil.example","Click")', None, alice)
    service.add_goal(session, tracker, "+1 more draw a day", None, alice)
    service.add_goal(session, tracker, "-5 minutes at check-in", None, alice)
    service.set_notes(session, tracker, "@SUM(A1:A9)", alice)
    data = workbook.export_bytes(views.build(session, service.get_tracker(session, tracker.id)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets), "no cell may be written as a formula"
    wb = load_workbook(io.BytesIO(data))
    goals = wb["Goals"]
    texts = [goals.cell(row=r, column=2) for r in range(2, 5)]
    assert str(texts[0].value).startswith("=HYPERLINK")
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert wb["Notes"]["A2"].value == "@SUM(A1:A9)" and wb["Notes"]["A2"].quotePrefix


def test_round_trip_a_user_edit_comes_back_into_the_tracker(session: Session, tracker: CareerTracker) -> None:
    tracker = planned_tracker(session, tracker)
    wb = exported(session, tracker)
    plan = wb["Plan"]
    # As a person would in a spreadsheet: move a course, delete a row, add one, touch a status.
    for row in plan.iter_rows(min_row=2):
        if row[1].value == "REV-201":
            row[0].value = "2027-Q3"
        if row[1].value == "EHR-201":
            row[4].value = "completed"
    plan.delete_rows(next(r[0].row for r in plan.iter_rows(min_row=2) if r[1].value == "REV-210"))
    plan.append(["2027-Q4", "rev-220", "", "", "not started"])
    goals = wb["Goals"]
    goals["D2"] = "done"
    goals.append([None, "Cover the float pool twice", dt.datetime(2027, 9, 1), "open"])
    wb["Notes"]["A2"] = "Bea will coach me on difficult draws."
    wb["Notes"]["A3"] = "Second line."
    wb["Gaps"]["D2"] = 4

    revision = tracker.revision
    result = imports.preview(session, to_bytes(wb), views.build(session, tracker))
    texts = sorted(c.text for c in result.changes)
    assert "Move REV-201 from 2027-Q1 to 2027-Q3" in texts
    assert "Add course REV-220 (2027-Q4)" in texts and "Remove course REV-210 (2027-Q2)" in texts
    assert any(t.startswith("Add goal") for t in texts) and any(t.startswith("Change goal") for t in texts)
    assert any(c.area == "notes" for c in result.changes) and len(result.changes) == 6
    assert not result.stale
    assert any("EHR-201 comes from your learning record" in w for w in result.edits.warnings)
    assert any(w.startswith("Gaps D2 differ from the live tracker") for w in result.edits.warnings)
    assert len(result.edits.warnings) == 2, result.edits.warnings
    assert service.get_tracker(session, tracker.id).revision == revision, "a preview changes nothing"

    imports.apply(session, tracker, result.edits, user(session, "psr_alice"), confirm=False)
    tracker = service.get_tracker(session, tracker.id)
    assert {(i.course.code, i.quarter) for i in tracker.courses} == {
        ("REV-201", "2027-Q3"),
        ("EHR-201", "2027-Q2"),
        ("REV-220", "2027-Q4"),
    }
    assert [(g.text, g.target_date, g.done) for g in tracker.goals] == [
        ("Lead the morning huddle", dt.date(2027, 6, 30), True),
        ("Cover the float pool twice", dt.date(2027, 9, 1), False),
    ]
    assert tracker.notes == "Bea will coach me on difficult draws.\nSecond line."
    chosen = session.scalars(
        select(Course.code)
        .join(ChosenCourse, ChosenCourse.course_id == Course.id)
        .where(ChosenCourse.tracker_id == tracker.id)
    )
    assert set(chosen) == {"REV-201", "EHR-201", "REV-220"}, "the learning plan follows the import"
    again = imports.preview(session, to_bytes(exported(session, tracker)), views.build(session, tracker))
    assert again.changes == [] and again.edits.warnings == []


def test_libreoffice_opens_the_workbook(session: Session, tracker: CareerTracker, tmp_path: Path) -> None:
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        pytest.skip("LibreOffice is not installed (Debian package libreoffice-calc-nogui); cannot convert")
    tracker = planned_tracker(session, tracker)
    source = tmp_path / "tracker.xlsx"
    source.write_bytes(workbook.export_bytes(views.build(session, tracker)))
    completed = subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "tracker.pdf"
    assert pdf.exists(), completed.stderr.decode(errors="replace")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
