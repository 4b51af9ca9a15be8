"""The HR import's rules and its service, on each backend: idempotence, moves, leavers, refusals, dry runs."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pathways.auth import service as auth_service
from pathways.auth.models import ApiToken, User
from pathways.careers.models import Role
from pathways.learning.models import Completion
from pathways.org.models import Employee, EmployeeMove, Region, Site
from pathways.org.people_import import PeopleFileError
from tests.org.people_files import TODAY, account, feed, new_row, person, row_of, run


def by_number(session: Session, number: str) -> Employee:
    found = session.scalar(select(Employee).where(Employee.employee_number == number))
    assert found is not None, number
    return found


def test_new_people_sites_and_reporting_lines_then_the_same_file_twice_changes_nothing(
    session: Session,
) -> None:
    carl = person(session, "sup_carl")
    # N2 reports to N1, who comes later in the file; N2 opens a new site in a new region.
    data = feed(
        new_row("N2", "N1", site="ZZ-NEW-1", region="zz-region"),
        new_row("N1", carl.employee_number, job_role="PSR-2"),
        row_of(session, person(session, "psr_alice")),
    )
    first = run(session, data)
    assert (first.counts["created"], first.counts["unchanged"], first.rejected) == (2, 1, 0), first.rejections
    n1, n2 = by_number(session, "N1"), by_number(session, "N2")
    assert n2.manager_id == n1.id and n1.manager_id == carl.id
    assert session.scalar(select(Role.code).where(Role.id == n1.role_id)) == "psr-2"
    site = session.scalar(select(Site).where(Site.code == "ZZ-NEW-1"))
    assert site is not None and n2.site_id == site.id
    assert session.scalar(select(Region.code).where(Region.id == site.region_id)) == "ZZ-REGION"
    # Accounts for the new people; N1 manages someone, so can see their team.
    n1_account = session.scalar(select(User).where(User.employee_id == n1.id))
    assert (
        n1_account is not None
        and n1_account.account_role == "supervisor"
        and n1_account.password_hash is None
    )
    moves = session.scalar(select(func.count()).select_from(EmployeeMove)) or 0
    second = run(session, data)
    assert second.counts == {"created": 0, "updated": 0, "moved": 0, "deactivated": 0, "unchanged": 3}
    assert second.rejected == 0 and second.changes == 0
    assert session.scalar(select(func.count()).select_from(EmployeeMove)) == moves


def test_a_changed_manager_site_or_role_is_a_move_kept_in_the_history(session: Session) -> None:
    alice, dan = person(session, "psr_alice"), person(session, "outsider_dan")
    sam_number = session.scalar(select(Employee.employee_number).where(Employee.id == dan.manager_id))
    old_role, old_site = alice.role_id, alice.site_id
    report = run(
        session,
        feed(row_of(session, alice, job_role="psr-2", site="GC-PSC-01", region="gulf-coast",
                    manager_number=str(sam_number), name="Alice Moreno-Diaz")),
    )  # fmt: skip
    assert report.counts["moved"] == 1 and report.counts["updated"] == 0
    alice = person(session, "psr_alice")
    assert alice.manager_id == dan.manager_id and alice.site_id == dan.site_id and alice.role_since == TODAY
    assert alice.name == "Alice Moreno-Diaz"
    move = session.scalar(select(EmployeeMove).where(EmployeeMove.employee_id == alice.id))
    assert move is not None and move.source == "hr-import" and move.changes == "role,site,manager"
    assert (move.from_role_id, move.from_site_id) == (old_role, old_site)
    assert move.to_manager_id == dan.manager_id
    # A name alone is an update, not a move.
    renamed = run(session, feed(row_of(session, alice, name="Alice M. Diaz")))
    assert renamed.counts["updated"] == 1 and renamed.counts["moved"] == 0


def test_a_terminated_person_loses_access_but_keeps_what_they_did(session: Session) -> None:
    alice = person(session, "psr_alice")
    token = auth_service.create_token(session, alice.email)
    user = account(session, "psr_alice")
    epoch = user.session_epoch
    completions = session.scalar(select(func.count()).where(Completion.employee_id == alice.id))
    assert completions
    report = run(session, feed(row_of(session, alice, status="terminated")))
    assert report.counts["deactivated"] == 1
    user = account(session, "psr_alice")
    assert not user.is_active and user.session_epoch == epoch + 1
    assert auth_service.user_for_token(session, token) is None
    assert session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)) is not None
    assert session.scalar(select(func.count()).where(Completion.employee_id == alice.id)) == completions
    assert person(session, "psr_alice").status == "terminated"
    move = session.scalar(select(EmployeeMove).where(EmployeeMove.employee_id == alice.id))
    assert move is not None and (move.from_status, move.to_status) == ("active", "terminated")
    # A rehire turns the account on again.
    rehired = run(session, feed(row_of(session, person(session, "psr_alice"), status="active")))
    assert rehired.counts["updated"] == 1 and account(session, "psr_alice").is_active


def test_people_missing_from_a_full_feed_are_reported_and_deactivated_only_when_asked(
    session: Session,
) -> None:
    everyone = list(session.scalars(select(Employee).order_by(Employee.id)))
    alice = person(session, "psr_alice")
    data = feed(*(row_of(session, e) for e in everyone if e.id != alice.id))
    kept = run(session, data)
    assert kept.missing == 1 and kept.missing_samples[0].number == alice.employee_number
    assert kept.counts["deactivated"] == 0 and account(session, "psr_alice").is_active
    ended = run(session, data, deactivate_missing=True)
    assert ended.counts["deactivated"] == 1 and not account(session, "psr_alice").is_active
    assert person(session, "psr_alice").status == "terminated"
    assert run(session, data, deactivate_missing=True).missing == 0  # terminated people are not missing


def test_a_dry_run_changes_nothing_and_counts_what_applying_would_do(session: Session) -> None:
    alice = person(session, "psr_alice")
    data = feed(
        new_row("N1"),
        row_of(session, alice, job_role="psr-2"),
        row_of(session, person(session, "lead_bea"), status="terminated"),
    )
    before = session.scalar(select(func.count()).select_from(Employee))
    dry = run(session, data, dry_run=True)
    assert (dry.counts["created"], dry.counts["moved"], dry.counts["deactivated"]) == (1, 1, 1)
    assert session.scalar(select(func.count()).select_from(Employee)) == before
    assert person(session, "psr_alice").role_id == alice.role_id and account(session, "lead_bea").is_active
    applied = run(session, data)
    assert applied.counts == dry.counts


FUTURE = (TODAY + dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (new_row("N1", job_role="astronaut"), "job_role 'astronaut' is not a job role in Pathways"),
        (new_row("N1", "E99999"), "manager_number 'E99999' is not an employee in Pathways or in this file"),
        (new_row("N1", "N1"), "manager_number 'N1' is the person themselves"),
        (new_row("N1", hired_on=FUTURE), f"hired_on '{FUTURE}' is in the future"),
        (new_row("N1", hired_on="31/12/2025"), "hired_on '31/12/2025' is not a date like 2026-03-31"),
        (new_row("N1", email="not-an-email"), "email 'not-an-email' is not an email address"),
        (new_row("N1", status="retired"), "status 'retired' must be one of active, leave, terminated"),
        (new_row("N1", name="=HYPERLINK(1)"), "name '=HYPERLINK(1)' looks like a spreadsheet formula"),
        (new_row("N1", email="psr_alice@pathways.example"), "belongs to employee"),
        (
            new_row("N1", site="NV-PSC-01", region="gulf-coast"),
            "site 'NV-PSC-01' is in region 'NORTH-VALLEY'",
        ),
        (new_row("N1") + ",extra", "has 10 cells but the header has 9"),
    ],
)
def test_each_refusal_names_row_column_and_value_and_applies_nothing(
    session: Session, row: str, reason: str
) -> None:
    report = run(session, feed(new_row("N0"), row))
    assert report.rejected == 1 and report.rejections[0].row == 3, report.rejections
    assert reason in report.rejections[0].reason
    assert session.scalar(select(Employee).where(Employee.employee_number == "N1")) is None
    assert report.counts["created"] == 1  # the good row still goes in


def test_duplicates_in_the_file_refuse_every_copy(session: Session) -> None:
    report = run(
        session,
        feed(
            new_row("N1"),
            new_row("N1", email="other@hr.example"),
            new_row("N2", email="n3@hr.example"),
            new_row("N3"),
        ),
    )
    reasons = {r.row: r.reason for r in report.rejections}
    assert "employee_number 'N1' is also on row 3" in reasons[2] and "also on row 2" in reasons[3]
    assert "email 'n3@hr.example' is also on row 5" in reasons[4] and 5 in reasons
    assert report.counts["created"] == 0


def test_reporting_cycles_are_refused_in_the_file_and_through_pathways(session: Session) -> None:
    report = run(session, feed(new_row("N1", "N2"), new_row("N2", "N1"), new_row("N3", "N2")))
    reasons = {r.row: r.reason for r in report.rejections}
    assert "would make a reporting cycle" in reasons[2] and "would make a reporting cycle" in reasons[3]
    assert "manager_number 'N2' is on row 3, which was refused" in reasons[4]
    # Carl is Alice's manager in Pathways: making Carl report to Alice closes a loop.
    carl, alice = person(session, "sup_carl"), person(session, "psr_alice")
    looped = run(session, feed(row_of(session, carl, manager_number=alice.employee_number)))
    assert looped.rejected == 1 and "would make a reporting cycle" in looped.rejections[0].reason
    assert person(session, "sup_carl").manager_id == carl.manager_id


LEFT = "has left (terminated); this person reports to them until they get a current manager"


def test_a_manager_who_has_left_is_a_warning_and_the_row_is_applied(session: Session) -> None:
    carl, alice = person(session, "sup_carl"), person(session, "psr_alice")
    assert alice.manager_id == carl.id
    ended = run(session, feed(row_of(session, carl, status="terminated")))
    assert ended.counts["deactivated"] == 1 and ended.warned == 0  # Carl's reports are not in that file
    report = run(
        session,
        feed(
            row_of(session, alice, job_role="psr-2"),  # row 2: under Carl, who left, in Pathways
            new_row("N1", carl.employee_number),  # row 3: new, under Carl
            new_row("N2", status="terminated"),  # row 4: leaves in this very file
            new_row("N3", "N2"),  # row 5: under N2
            new_row("N4", "N2", status="terminated"),  # row 6: has left too: nothing to warn of
        ),
    )
    assert report.rejected == 0, report.rejections
    assert [w.row for w in report.warnings] == [2, 3, 5] and report.warned == 3
    messages = {w.row: w.message for w in report.warnings}
    assert messages[2] == f"manager_number '{carl.employee_number}' {LEFT}"
    assert messages[5] == f"manager_number 'N2' {LEFT}"
    assert "3 with a warning" in report.summary() and report.as_dict()["warned"] == 3
    assert (report.counts["moved"], report.counts["created"]) == (1, 4)
    alice = person(session, "psr_alice")
    assert alice.manager_id == carl.id and alice.role_id == session.scalar(
        select(Role.id).where(Role.code == "psr-2")
    )
    assert by_number(session, "N1").manager_id == carl.id
    assert by_number(session, "N3").manager_id == by_number(session, "N2").id
    # Given a current manager, the row applies without a warning.
    bea = person(session, "lead_bea")
    moved = run(session, feed(row_of(session, alice, manager_number=bea.employee_number)))
    assert moved.warned == 0 and moved.counts["moved"] == 1
    assert person(session, "psr_alice").manager_id == bea.id


def test_a_file_that_cannot_be_read_changes_nothing(session: Session) -> None:
    with pytest.raises(PeopleFileError, match="missing column: status"):
        run(session, b"employee_number,email,name,job_role,site,region,manager_number,hired_on\nE1,a@b.c\n")
    with pytest.raises(PeopleFileError, match="The file is empty"):
        run(session, b"")
    with pytest.raises(PeopleFileError, match="not UTF-8 text: row 2"):
        run(session, feed(new_row("N1")).replace(b"Person", b"Pers\xe9n"))
    assert session.scalar(select(Employee).where(Employee.employee_number == "N1")) is None


def test_a_move_a_supervisor_records_joins_the_same_history(session: Session) -> None:
    from pathways.org.history import history
    from pathways.teams.moves import change_role

    alice = person(session, "psr_alice")
    change_role(
        session,
        account(session, "sup_carl"),
        alice,
        role_code="psr-2",
        effective_on=TODAY,
        reason="",
        today=TODAY,
    )
    run(session, feed(row_of(session, person(session, "psr_alice"), status="leave")))
    lines = history(session, alice.id)
    assert [line.source for line in lines] == ["HR feed", "recorded by a supervisor"]
    assert lines[0].what == ["Employment: active → leave"] and lines[1].what == ["Job role: PSR I → PSR II"]
