"""Team analytics aggregated in SQL give exactly the figures of the plain definition (analytics_reference),
and cost the same number of statements for a supervisor's few reports as for the whole organisation."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.permissions import analytics_employee_ids
from pathways.org.models import Employee
from pathways.teams import analytics
from tests.helpers import counting_statements, sign_in
from tests.teams import analytics_reference as reference
from tests.teams.support import TODAY, hire, person, user, varied_facts


@pytest.fixture
def varied(session: Session) -> Session:
    varied_facts(session)
    return session


def test_sql_figures_equal_the_plain_definition(varied: Session) -> None:
    session = varied
    for who in ("admin_ada", "sup_carl"):
        scope = analytics_employee_ids(session, user(session, who))
        for group in analytics.GROUPS:
            got = analytics.build(session, scope, TODAY, group)
            want = reference.build(session, scope, TODAY, group)
            assert got.heat == want.heat, (who, group)
            assert got.readiness == want.readiness, (who, group)
            assert (got.people, got.trackers) == (want.people, want.trackers), (who, group)
            assert got.compliance == want.compliance, (who, group)
    # The figures are not all trivially zero: the data set exercises what they count.
    everyone = analytics.build(
        session, analytics_employee_ids(session, user(session, "admin_ada")), TODAY, "role"
    )
    assert any(m.done for m in everyone.compliance) and any(m.due > m.done for m in everyone.compliance)
    assert sum(n for _, n in everyone.readiness) == everyone.trackers > 10
    assert any(g for row in everyone.heat.rows for g in row.gaps)


def test_sql_compliance_equals_the_plain_definition_on_any_day(varied: Session) -> None:
    session = varied
    ids = list(session.scalars(select(Employee.id)))
    for day in (TODAY, dt.date(2027, 3, 31), dt.date(2026, 2, 28), dt.date(2028, 2, 29)):
        assert analytics.compliance(session, ids, day) == reference.compliance(session, ids, day), day


def test_analytics_statements_do_not_grow_with_the_scope(session: Session, client: TestClient) -> None:
    sign_in(client, "sup_carl")
    assert client.get("/team/analytics").status_code == 200  # warm: first-use lookups out of the count
    with counting_statements(session) as few:
        assert client.get("/team/analytics").status_code == 200
    hire(session, person(session, "sup_carl"), 80, prefix="many")
    with counting_statements(session) as many:
        page = client.get("/team/analytics")
    assert page.status_code == 200 and "80" in page.text
    assert len(many) == len(few), (len(few), len(many))
    client.cookies.clear()
    sign_in(client, "admin_ada")
    client.get("/team/analytics")
    with counting_statements(session) as everyone:
        assert client.get("/team/analytics?group=role").status_code == 200
    assert len(everyone) <= len(few) + 2, [s[:80] for s in everyone]
