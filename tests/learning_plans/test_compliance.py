"""The team compliance view: scope, what shows, sorting, CSV export with formula escaping."""

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.auth.permissions import can_view_employee
from pathways.csvfile import spreadsheet_safe
from pathways.errors import Forbidden
from pathways.learning import compliance
from pathways.learning.assignments import Target, assign
from pathways.learning.compliance import ComplianceRow, team_compliance, to_csv
from pathways.org.models import Employee
from tests.helpers import counting_statements
from tests.learning_plans.conftest import TODAY, person, user


def rows(
    session: Session, who: str, show: str = "overdue", sort: str = "overdue", order: str = "desc"
) -> list[ComplianceRow]:
    return team_compliance(session, user(session, who), TODAY, show=show, sort=sort, order=order)


@pytest.mark.parametrize("who", ["sup_carl", "lead_bea", "trainer_tina", "admin_ada"])
def test_rows_stay_within_scope_and_are_overdue(session: Session, who: str) -> None:
    found = rows(session, who)
    assert found, "the demo organisation has overdue role requirements"
    viewer = user(session, who)
    for row in found:
        employee = session.get(Employee, row.employee_id)
        assert employee is not None and can_view_employee(session, viewer, employee)
        assert row.employee_id != viewer.employee_id
        assert row.days_overdue > 0 and row.due_on < TODAY
    if who != "admin_ada":
        assert person(session, "outsider_dan").id not in {r.employee_id for r in found}


def test_employees_cannot_open_it(session: Session) -> None:
    with pytest.raises(Forbidden, match="for supervisors, site leads, trainers and administrators"):
        rows(session, "psr_alice")


def test_open_includes_assignments_not_yet_due(session: Session) -> None:
    alice = person(session, "psr_alice")
    assign(
        session,
        user(session, "sup_carl"),
        course_code="COMM-110",
        target=Target("employee", str(alice.id)),
        due_on=TODAY + dt.timedelta(days=20),
        reason="Service refresh",
        today=TODAY,
    )
    overdue = rows(session, "sup_carl")
    assert not any(r.course_code == "COMM-110" for r in overdue)
    everything = rows(session, "sup_carl", show="open")
    mine = [r for r in everything if r.course_code == "COMM-110"]
    assert len(mine) == 1 and mine[0].why == "assigned: Service refresh" and mine[0].days_overdue == 0


@pytest.mark.parametrize("sort", list(compliance.SORTS))
def test_sorting(session: Session, sort: str) -> None:
    key = compliance.SORTS[sort][1]
    ascending = rows(session, "admin_ada", show="open", sort=sort, order="asc")
    assert [key(r) for r in ascending] == sorted(key(r) for r in ascending)
    descending = rows(session, "admin_ada", show="open", sort=sort, order="desc")
    assert [key(r) for r in descending] == sorted((key(r) for r in descending), reverse=True)


@pytest.mark.parametrize(
    ("show", "sort", "order", "message"),
    [
        ("late", None, None, "Unknown show 'late'. Choose one of: overdue, due-soon, open."),
        (None, "salary", None, "Unknown sort 'salary'"),
        (None, None, "up", "Unknown order 'up'"),
    ],
)
def test_bad_view_parameters(show: str | None, sort: str | None, order: str | None, message: str) -> None:
    with pytest.raises(compliance.InvalidQuery, match=message) as caught:
        compliance.parse_view(show, sort, order)
    assert caught.value.status_code == 422


def test_defaults() -> None:
    assert compliance.parse_view(None, None, None) == ("overdue", "overdue", "desc")
    assert compliance.parse_view("open", "employee", None) == ("open", "employee", "asc")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tlead", "'\tlead"),
        ("\rx", "'\rx"),
        ("Alice", "Alice"),
        (12, "12"),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value: object, written: str) -> None:
    assert spreadsheet_safe(value) == written


def test_csv_export_round_trip_escapes_formulas() -> None:
    row = ComplianceRow(
        1,
        "=cmd|' /C calc'!A0",
        "E1",
        "@Site",
        "+Role",
        "PRIV-101",
        "-Title",
        TODAY,
        3,
        "not started",
        'assigned: =HYPERLINK("x")',
    )
    text = to_csv([row])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == [
        "employee",
        "employee_number",
        "site",
        "role",
        "course",
        "course_title",
        "due_on",
        "days_overdue",
        "status",
        "why",
        "expires_on",
    ]
    assert parsed[1] == [
        "'=cmd|' /C calc'!A0",
        "E1",
        "'@Site",
        "'+Role",
        "PRIV-101",
        "'-Title",
        TODAY.isoformat(),
        "3",
        "not started",
        'assigned: =HYPERLINK("x")',
        "",
    ]


def test_query_count_does_not_grow_with_the_scope(session: Session) -> None:
    def count(who: str) -> int:
        with counting_statements(session) as statements:
            found = rows(session, who, show="open")
        assert found
        return len(statements)

    session.scalar(select(Employee.id))  # warm the connection
    assert count("sup_carl") == count("admin_ada")
