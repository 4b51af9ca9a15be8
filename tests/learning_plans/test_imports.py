"""The CSV import of completions: each kind of bad input gets a clear message and changes nothing else."""

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.learning.import_uploads import TooLarge, check_size, read_limited
from pathways.learning.imports import MAX_UPLOAD_BYTES, ImportFileError, ImportReport, run_import
from pathways.learning.models import Completion
from tests.learning_plans.conftest import TODAY, person

HEADER = "employee,course,completed_at,score\n"
DAY = (TODAY - dt.timedelta(days=10)).isoformat()


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Completion)) or 0


def run(session: Session, text: str | bytes, dry_run: bool = False, batch_size: int = 2000) -> ImportReport:
    data = text.encode() if isinstance(text, str) else text
    return run_import(session, io.BytesIO(data), today=TODAY, dry_run=dry_run, batch_size=batch_size)


def reasons(report: ImportReport) -> dict[int, str]:
    return {r.row: r.reason for r in report.rejections}


def fresh_rows(session: Session) -> str:
    # COMM-110 is not in the demo history on this date, so these rows are new.
    alice, bea = person(session, "psr_alice"), person(session, "lead_bea")
    return (
        f"{alice.email},COMM-110,{DAY},90\n"
        f"{bea.employee_number},COMM-110,{DAY},\n"
        f"{alice.employee_number.lower()},comm-120,{DAY}T14:30:00Z,75\n"
    )


def test_import_records_then_reimport_changes_nothing(session: Session) -> None:
    before = count(session)
    first = run(session, HEADER + fresh_rows(session))
    assert (first.rows, first.new, first.known, first.rejected) == (3, 3, 0, 0)
    assert count(session) == before + 3
    second = run(session, HEADER + fresh_rows(session))
    assert (second.rows, second.new, second.known, second.rejected) == (3, 0, 3, 0)
    assert count(session) == before + 3
    row = session.scalar(select(Completion).where(Completion.score == 75, Completion.source == "csv"))
    assert row is not None and row.completed_at.isoformat() == DAY


def test_dry_run_counts_exactly_and_changes_nothing(session: Session) -> None:
    before = count(session)
    text = HEADER + fresh_rows(session) + fresh_rows(session).splitlines()[0] + "\n"
    preview = run(session, text, dry_run=True, batch_size=2)
    assert count(session) == before
    applied = run(session, text, batch_size=2)
    assert (preview.new, preview.known, preview.rejected) == (applied.new, applied.known, applied.rejected)
    assert (applied.new, applied.rejected) == (3, 1)
    assert [s.row for s in preview.new_samples] == [2, 3, 4]


def test_duplicate_rows_are_counted_once(session: Session) -> None:
    alice = person(session, "psr_alice")
    line = f"{alice.email},COMM-110,{DAY},90\n"
    other = f"{alice.email},COMM-120,{DAY},90\n"
    report = run(session, HEADER + line + line + other + other + line, batch_size=2)
    assert report.new == 2
    found = reasons(report)
    assert found[3] == "repeats row 2 (same employee, course and date)"
    # Rows 5 and 6 repeat rows recorded by an earlier batch of the same file.
    assert "repeats" in found[5] and "repeats" in found[6]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nobody@example.com,COMM-110,{day},", "no employee with email or number 'nobody@example.com'"),
        ("E99999,COMM-110,{day},", "no employee with email or number 'E99999'"),
        ("{alice},NOPE-999,{day},", "no course with code 'NOPE-999'"),
        ("{alice},,{day},", "course is empty"),
        (",COMM-110,{day},", "employee is empty"),
        ("{alice},COMM-110,31/03/2026,", "completed_at '31/03/2026' is not a date like 2026-03-31"),
        ("{alice},COMM-110,{future},", "completed_at {future} is in the future"),
        ("{alice},COMM-110,2001-01-01,", "completed_at 2001-01-01 is before the hire date"),
        ("{alice},COMM-110,{day},101", "score '101' must be a whole number from 0 to 100"),
        ("{alice},COMM-110,{day},-5", "score '-5' must be a whole number from 0 to 100"),
        ("{alice},COMM-110,{day},87.5", "score '87.5' must be a whole number"),
        ("{alice},COMM-110,{day},=1+1", "score '=1+1' must be a whole number"),
        ("{alice},COMM-110,{day},NaN", "score 'NaN' must be a whole number"),
        ("\x00{alice},COMM-110,{day},", "no employee with email or number '\\x00"),
        (
            '=HYPERLINK("http://x"),COMM-110,{day},',
            "employee '=HYPERLINK(\"http://x\")' looks like a spreadsheet formula",
        ),
        ("+{alice},COMM-110,{day},", "looks like a spreadsheet formula; it was not evaluated"),
        ("{alice},@SUM(A1),{day},", "course '@SUM(A1)' looks like a spreadsheet formula"),
        ("{alice},-COMM-110,{day},", "looks like a spreadsheet formula"),
        ("{alice},COMM-110,\t{day},", "completed_at"),
        ("{alice},COMM-110,{day}", "has 3 cells but the header has 4"),
        ("{alice},COMM-110,{day},1,extra", "has 5 cells but the header has 4"),
        ("{long},COMM-110,{day},", "employee is longer than 254 characters"),
    ],
)
def test_bad_rows_are_rejected_with_row_and_reason(session: Session, line: str, reason: str) -> None:
    alice = person(session, "psr_alice")
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    bad = line.format(alice=alice.email, day=DAY, future=future, long="x" * 300)
    good = f"{alice.email},COMM-130,{DAY},70"
    before = count(session)
    report = run(session, HEADER + good + "\n" + bad + "\n")
    assert report.rejected == 1 and report.new == 1
    assert report.rejections[0].row == 3
    assert reason.format(future=future) in report.rejections[0].reason
    assert count(session) == before + 1  # the good row only


def test_valid_scores_and_a_header_in_any_case(session: Session) -> None:
    alice = person(session, "psr_alice")
    text = (
        "\ufeff Employee ,COURSE,Completed_At,Score\n"
        f"{alice.email},COMM-110,{DAY},100\n"
        f"{alice.email},COMM-120,{DAY},0\n"
        f"{alice.email},COMM-130,{DAY},7\n"
    )
    report = run(session, text)
    assert (report.new, report.rejected) == (3, 0)
    scores = session.scalars(select(Completion.score).where(Completion.source == "csv"))
    assert sorted(scores) == [0, 7, 100]


# A score is evidence: the LMS's number as the LMS writes it. Anything a spreadsheet or a hand might turn
# into a number is refused, naming the row, the column and the value; the rest of the file is recorded.
@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("1e2", "'1e2'"),
        ("+50", "'+50'"),
        (" 075 ", "' 075 '"),
        ("075", "'075'"),
        ("00", "'00'"),
        ("50.0", "'50.0'"),
        ("100.0", "'100.0'"),
        (" 75", "' 75'"),
        ("75 ", "'75 '"),
        (" ", "' '"),
        ("-0", "'-0'"),
        ("0x32", "'0x32'"),
        ("1_0", "'1_0'"),
        ("\u0667\u0665", "'\u0667\u0665'"),  # Arabic-Indic digits: str.isdigit() says yes
        ("\uff15\uff10", "'\uff15\uff10'"),  # fullwidth digits
        ("5\x00", "'5\\x00'"),
    ],
)
def test_scores_are_plain_digits_from_0_to_100(session: Session, cell: str, shown: str) -> None:
    alice = person(session, "psr_alice")
    text = HEADER + f"{alice.email},COMM-110,{DAY},90\n" + f'{alice.email},COMM-120,{DAY},"{cell}"\n'
    before = count(session)
    report = run(session, text)
    assert (report.new, report.rejected) == (1, 1)
    assert report.rejections[0].row == 3
    assert report.rejections[0].reason == (
        f"score {shown} must be a whole number from 0 to 100 written in digits only (no sign, spaces, "
        "decimal point, exponent or leading zero), or left empty"
    )
    assert count(session) == before + 1


def test_control_characters_in_a_value_are_shown_escaped(session: Session) -> None:
    alice = person(session, "psr_alice")
    text = HEADER + f"{alice.email},NO\x00PE\u202e-1,{DAY},\n" + f"{alice.email},COMM-110,20\x0726-01-01,\n"
    report = run(session, text)
    assert [r.reason for r in report.rejections] == [
        "no course with code 'NO\\x00PE\\u202e-1'",
        "completed_at '20\\x0726-01-01' is not a date like 2026-03-31",
    ]
    with pytest.raises(ImportFileError) as caught:
        run(session, "employee,course,completed_at,sc\x00ore\n" + f"{alice.email},COMM-110,{DAY},\n")
    assert "unexpected column: 'sc\\x00ore'" in caught.value.message and "\x00" not in caught.value.message


def test_score_column_may_be_left_out(session: Session) -> None:
    alice = person(session, "psr_alice")
    report = run(session, f"employee,course,completed_at\n{alice.email},COMM-110,{DAY}\n")
    assert report.new == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (HEADER.encode(), "a header row but no completions"),
        (
            b"employee_email,course,completed_at,score\nx,y,z,1\n",
            "missing column: employee; unexpected column: 'employee_email' (renamed?)",
        ),
        (b"employee,course,date,score\n", "missing column: completed_at"),
        (b"employee,course,completed_at,score,notes\n", "unexpected column: 'notes'"),
        (b"employee,course,completed_at,course\n", "repeated column: course"),
        (b"employee,course,completed_at,score\nJos\xe9,COMM-110,2026-01-01,\n", "The file is not UTF-8 text"),
        ("employee,course,completed_at,score\n".encode("utf-16"), "The file is UTF-16 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
    ],
)
def test_bad_files_change_nothing(session: Session, data: bytes, message: str) -> None:
    before = count(session)
    with pytest.raises(ImportFileError, match=re.escape(message)) as caught:
        run(session, data)
    assert "Nothing was imported" in caught.value.message
    assert count(session) == before


@pytest.mark.parametrize("good_rows", [3, 2000])
def test_a_bad_byte_is_reported_at_its_row_and_column(session: Session, good_rows: int) -> None:
    # Two thousand rows put the bad byte well past the first block the decoder reads ahead.
    alice = person(session, "psr_alice")
    good = "".join(f"{alice.email},COMM-110,{DAY},{n % 100}\n" for n in range(good_rows))
    bad = f"{alice.email},COMM-1\udce910,{DAY},\n".encode(errors="surrogateescape")
    data = HEADER.encode() + good.encode() + bad + good.encode()
    before = count(session)
    with pytest.raises(ImportFileError) as caught:
        run(session, data, batch_size=500)
    assert caught.value.message == (
        f"The file is not UTF-8 text: row {good_rows + 2}, column 2 ('course') holds the byte 0xe9, which is "
        "not UTF-8. Save the file as CSV UTF-8 and import it again. Nothing was imported."
    )
    assert count(session) == before


def test_a_bad_byte_in_a_quoted_cell_over_two_lines_names_the_row_it_ends_on(session: Session) -> None:
    alice = person(session, "psr_alice")
    data = HEADER.encode() + f'{alice.email},COMM-110,{DAY},\n"{alice.email}\nJos\udce9",X,Y,\n'.encode(
        errors="surrogateescape"
    )
    with pytest.raises(ImportFileError, match=r"row 4, column 1 \('employee'\) holds the byte 0xe9"):
        run(session, data)


def test_a_bad_byte_late_in_the_file_undoes_the_batches_before_it(session: Session) -> None:
    alice = person(session, "psr_alice")
    rows = "".join(f"{alice.email},COMM-110,{TODAY - dt.timedelta(days=d)},\n" for d in range(1, 9))
    before = count(session)
    with pytest.raises(ImportFileError, match="not UTF-8"):
        run(session, HEADER.encode() + rows.encode() + b"Jos\xe9,COMM-110,2026-01-01,\n", batch_size=2)
    assert count(session) == before


def test_upload_size_limit() -> None:
    with pytest.raises(TooLarge, match=r"The file is 100\.0 MB; the browser import takes files up to 10 MB"):
        check_size(100 * 1_048_576)
    check_size(MAX_UPLOAD_BYTES)
    with pytest.raises(TooLarge, match="pathways completions import FILE"):
        read_limited(io.BytesIO(b"x" * (MAX_UPLOAD_BYTES + 1)))
    assert read_limited(io.BytesIO(b"abc")) == b"abc"
