import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pathways.trackers import cli, org_export, service
from pathways.trackers.models import CareerTracker
from tests.trackers.support import start, user


class FakeDatabase:
    def __init__(self, session: Session) -> None:
        self.session = session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        yield self.session
        self.session.flush()


@pytest.fixture
def runner(session: Session, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(cli, "database", lambda: FakeDatabase(session))
    return CliRunner()


def test_export_edit_and_import_from_the_command_line(
    runner: CliRunner, session: Session, tracker: CareerTracker, tmp_path: Path
) -> None:
    target = tmp_path / "alice.xlsx"
    who = ["--employee", "psr_alice@pathways.example", "--role", "psr-2"]
    result = runner.invoke(cli.cli, ["export", *who, "-o", str(target)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(target)
    wb["Plan"].append(["2027-Q2", "REV-201"])
    wb["Plan"].append(["2027-Q2", "XYZ-1"])
    wb.save(target)
    result = runner.invoke(cli.cli, ["import", *who, str(target)])
    assert result.exit_code == 1 and "Plan row 3: No course with code 'XYZ-1'." in result.output
    wb["Plan"].delete_rows(3)
    wb.save(target)
    result = runner.invoke(cli.cli, ["import", *who, str(target), "--dry-run"])
    assert result.exit_code == 0 and "- Add course REV-201 (2027-Q2)" in result.output
    assert "Dry run" in result.output and service.get_tracker(session, tracker.id).courses == []
    result = runner.invoke(cli.cli, ["import", *who, str(target)])
    assert result.exit_code == 0 and "Applied 1 change(s)." in result.output
    assert [i.course.code for i in service.get_tracker(session, tracker.id).courses] == ["REV-201"]
    result = runner.invoke(
        cli.cli, ["export", "--employee", "nobody@pathways.example", "--role", "psr-2", "-o", str(target)]
    )
    assert result.exit_code == 1 and "No employee with email nobody@pathways.example" in result.output


def test_the_org_wide_export_streams_every_tracker(session: Session, tracker: CareerTracker) -> None:
    service.plan_course(session, tracker, "REV-201", "2027-Q1", user(session, "psr_alice"))
    other = start(session, "outsider_dan", "psr-2-site-lead")
    buffer = io.BytesIO()
    assert org_export.export_all(session, buffer) >= 2
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["Trackers", "Plan", "Gaps"]
    trackers = {row[0]: row for row in wb["Trackers"].iter_rows(min_row=2, values_only=True)}
    assert trackers[tracker.id][3] == "psr-2" and trackers[other.id][3] == "psr-2-site-lead"
    assert ("REV-201", "not started") in [
        (r[4], r[6]) for r in wb["Plan"].iter_rows(min_row=2, values_only=True) if r[0] == tracker.id
    ]
    gaps = [r for r in wb["Gaps"].iter_rows(min_row=2, values_only=True) if r[0] == tracker.id]
    assert len(gaps) == trackers[tracker.id][7]


def _sheets(session: Session) -> dict[str, list[tuple[object, ...]]]:
    buffer = io.BytesIO()
    org_export.export_all(session, buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    return {name: list(wb[name].iter_rows(values_only=True)) for name in wb.sheetnames}


def test_the_org_export_reads_levels_a_batch_at_a_time_and_never_splits_a_person(
    session: Session, tracker: CareerTracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alice keeps two trackers: with one row per batch her second tracker arrives in the next batch, and
    # must still be written with her levels, as in one large batch.
    service.plan_course(session, tracker, "REV-201", "2027-Q1", user(session, "psr_alice"))
    second = start(session, "psr_alice", "psr-2-float")
    start(session, "outsider_dan", "psr-2-site-lead")
    whole = _sheets(session)
    monkeypatch.setattr(org_export, "BATCH", 1)
    assert _sheets(session) == whole
    assert {row[0] for row in whole["Trackers"][1:]} >= {tracker.id, second.id}
