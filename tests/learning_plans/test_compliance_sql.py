"""The team compliance view worked out in SQL gives exactly the rows of the plain definition
(compliance_reference: requirements.required_with_status folded in Python), in the same order, a page at a
time, and in a constant number of statements whatever the scope."""

import calendar
import csv
import datetime as dt
import io

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.learning import compliance
from pathways.learning.requirements import add_months
from pathways.learning.sql_dates import add_months as sql_add_months
from pathways.learning.sql_dates import plus_days
from tests.helpers import counting_statements, sign_in
from tests.learning_plans import compliance_reference as reference
from tests.learning_plans.conftest import TODAY, user
from tests.teams.support import hire, person, varied_facts

VIEWERS = ("admin_ada", "sup_carl", "lead_bea", "trainer_tina")


def expected(session: Session, who: str, show: str, sort: str, order: str) -> list[compliance.ComplianceRow]:
    """The plain definition's rows, ties broken as the query breaks them: employee id, then course code."""
    rows = reference.team_compliance(session, user(session, who), TODAY, show=show, sort=sort, order=order)
    key = compliance.SORTS[sort][1]
    return sorted(rows, key=lambda r: (*key(r), r.employee_id, r.course_code), reverse=order == "desc")


@pytest.fixture
def varied(session: Session) -> Session:
    varied_facts(session)
    return session


def test_rows_equal_the_plain_definition_in_every_view(varied: Session) -> None:
    session = varied
    seen = set()
    for who in VIEWERS:
        for show in compliance.SHOW:
            for sort in compliance.SORTS:
                for order in compliance.ORDERS:
                    got = compliance.team_compliance(
                        session, user(session, who), TODAY, show=show, sort=sort, order=order
                    )
                    assert got == expected(session, who, show, sort, order), (who, show, sort, order)
                    seen |= {row.status for row in got}
    assert seen == {"not started", "in progress", "expired", "completed"}  # completed: expiring soon


def test_pages_cut_the_same_rows(varied: Session) -> None:
    session = varied
    whole = expected(session, "admin_ada", "open", "site", "desc")
    assert len(whole) > 30
    viewer = user(session, "admin_ada")
    cut = []
    for offset in range(0, len(whole), 7):
        found = compliance.page(
            session, viewer, TODAY, show="open", sort="site", order="desc", limit=7, offset=offset
        )
        assert found.total == len(whole)
        cut += found.rows
    assert cut == whole
    last = compliance.page_number(
        session, viewer, TODAY, show="open", sort="site", order="desc", number=10**6
    )
    assert last.rows == whole[last.offset :] and last.number == last.pages


def test_the_csv_streams_every_row_in_order(client: TestClient, varied: Session) -> None:
    sign_in(client, "admin_ada")
    response = client.get("/learning/team.csv?show=open&sort=employee")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    want = expected(varied, "admin_ada", "open", "employee", "asc")
    assert rows[0] == compliance.HEADER and len(rows) == len(want) + 1
    assert rows[1:] == list(csv.reader(io.StringIO(reference.to_csv(want))))[1:]


def test_sql_dates_match_python(session: Session) -> None:
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2025, 12, 31), dt.date(2026, 3, 30)]
    days += [dt.date(2023, m, calendar.monthrange(2023, m)[1]) for m in range(1, 13)]
    for day in days:
        for months in (1, 2, 6, 11, 12, 13, 24, 120):
            got = session.scalar(select(sql_add_months(literal(day), literal(months))))
            assert got == add_months(day, months), (day, months)
        assert session.scalar(select(plus_days(literal(day), literal(90)))) == day + dt.timedelta(days=90)


def test_statements_do_not_grow_with_the_scope(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    paths = ("/learning/team?show=open", "/api/v1/compliance?show=open", "/learning/team.csv?show=open")
    for path in paths:
        client.get(path)  # warm: first-use lookups out of the count
    counts = []
    for extra in (0, 120):
        if extra:
            hire(session, person(session, "sup_carl"), extra, prefix="scope")
        for path in paths:
            with counting_statements(session) as statements:
                response = client.get(path)
            assert response.status_code == 200, path
            counts.append(len(statements))
    assert counts[:3] == counts[3:], counts
    assert (
        len(
            compliance.team_compliance(
                session, user(session, "sup_carl"), TODAY, show="open", sort="employee", order="asc"
            )
        )
        > 120
    )  # the hired people's role courses: the scope really grew
