"""Team analytics (SVG charts with table alternatives and CSV) and the site summary."""

import csv
import datetime as dt
import io
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import AccountRole
from pathways.auth.permissions import analytics_employee_ids, is_regional_manager
from pathways.competencies.models import Competency, Observation
from pathways.learning.models import Completion, Course
from pathways.learning.requirements import add_months
from pathways.org.models import Employee
from pathways.teams import analytics, charts, onboarding, sites
from pathways.teams.scope import team_scope
from pathways.trackers import service as trackers
from tests.helpers import sign_in
from tests.teams.support import TODAY, account, person, user


def test_heat_map_gaps_follow_the_current_role(session: Session) -> None:
    data = analytics.build(
        session, analytics_employee_ids(session, user(session, "sup_carl")), TODAY, "person"
    )
    assert data.heat.group == "person" and data.heat.columns
    alice_row = next(r for r in data.heat.rows if r.label.startswith("Alice Moreno"))
    assert len(alice_row.gaps) == len(data.heat.columns)
    assert all(g is None or g >= 0 for g in alice_row.gaps)
    by_site = analytics.build(
        session, analytics_employee_ids(session, user(session, "sup_carl")), TODAY, "site"
    )
    assert sum(r.people for r in by_site.heat.rows) == data.people


def test_readiness_distribution_counts_trackers(session: Session) -> None:
    trackers.start_tracker(session, person(session, "psr_alice"), "psr-2", user(session, "psr_alice"))
    data = analytics.build(session, analytics_employee_ids(session, user(session, "sup_carl")), TODAY)
    assert data.trackers == 1 and sum(n for _, n in data.readiness) == 1


def test_compliance_covers_twelve_months_and_only_counts_what_was_due(session: Session) -> None:
    months = analytics.build(
        session, analytics_employee_ids(session, user(session, "sup_carl")), TODAY
    ).compliance
    assert len(months) == 12 and months[-1].month == TODAY.strftime("%Y-%m")
    assert all(0 <= m.done <= m.due for m in months)
    assert [m.due for m in months] == sorted(m.due for m in months)  # due items only accumulate
    assert analytics.month_ends(dt.date(2026, 3, 15))[:2] == [dt.date(2025, 4, 30), dt.date(2025, 5, 31)]


def test_scope_supervisor_regional_manager_admin(session: Session) -> None:
    carl_scope = set(session.scalars(analytics_employee_ids(session, user(session, "sup_carl"))))
    assert (
        person(session, "psr_alice").id in carl_scope and person(session, "outsider_dan").id not in carl_scope
    )
    maria = person(session, "mgr_maria")  # a patient access manager: a regional manager
    maria_user = account(session, maria, AccountRole.SUPERVISOR)
    assert is_regional_manager(session, maria_user)
    region = set(session.scalars(analytics_employee_ids(session, maria_user)))
    site_region = session.scalar(select(Employee.site_id).where(Employee.id == maria.id))
    assert person(session, "psr_alice").id in region and site_region is not None
    assert person(session, "outsider_dan").id not in region  # the Gulf Coast is another region
    everyone = set(session.scalars(analytics_employee_ids(session, user(session, "admin_ada"))))
    assert person(session, "outsider_dan").id in everyone


def test_charts_are_accessible_svg_without_inline_style() -> None:
    heat = analytics.HeatMap("site", [("composure", "Composure")], [analytics.HeatRow("Riverside", 3, [1.5])])
    svg = str(charts.heat_map(heat))
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "style=" not in svg
    assert charts.gap_fill(0) != charts.gap_fill(3) and charts.gap_fill(None) == charts.NONE_FILL
    line = str(charts.line_chart([analytics.MonthCompliance("2026-01", 4, 3)], "Compliance", "c"))
    assert "75 %" in line and "<script" not in line
    bars = str(charts.bar_chart([("0 to 19 %", 2)], "Readiness <&>", "r"))
    assert "Readiness &lt;&amp;&gt;" in bars


def test_analytics_page_and_csv_downloads(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/team/analytics")
    assert page.status_code == 200
    assert page.text.count('role="img"') == 3 and " style=" not in page.text
    assert "Heat map as a table" in page.text and "Compliance by month" in page.text
    for chart, first in (("heatmap", "person"), ("readiness", "readiness"), ("compliance", "month")):
        rows = list(csv.reader(io.StringIO(client.get(f"/team/analytics.csv?chart={chart}").text)))
        assert rows[0][0] == first and len(rows) > 1, chart
    assert client.get("/team/analytics.csv?chart=pie").status_code == 422
    assert client.get("/team/analytics?group=diagonal").status_code == 422
    assert client.get("/team/analytics?site=NOPE").status_code == 404
    by_site = client.get("/team/analytics?group=site&region=north-valley")
    assert by_site.status_code == 200 and "Riverside Patient Service Center" in by_site.text


def test_analytics_is_for_supervisors_and_admins(client: TestClient) -> None:
    for who in ("psr_alice", "lead_bea", "trainer_tina"):
        client.cookies.clear()
        sign_in(client, who)
        assert client.get("/team/analytics").status_code == 403, who
        assert client.get("/team/analytics.csv?chart=heatmap").status_code == 403, who


def test_site_summary_counts_people_onboarding_and_this_months_observations(session: Session) -> None:
    alice = person(session, "psr_alice")
    onboarding.start_plan(
        session, user(session, "lead_bea"), alice, template_id=None, mentor_id=None, started_on=TODAY
    )
    composure = session.scalar(select(Competency.id).where(Competency.code == "composure"))
    session.add_all(
        [
            Observation(
                employee_id=alice.id, competency_id=composure, level=2, note="now", observed_on=TODAY
            ),
            Observation(
                employee_id=alice.id,
                competency_id=composure,
                level=2,
                note="old",
                observed_on=TODAY.replace(day=1) - dt.timedelta(days=1),
            ),
        ]
    )
    session.flush()
    scope = team_scope(session, user(session, "sup_carl"))
    riverside = sites.site_in_scope(session, scope.ids, "NV-PSC-01", TODAY)
    assert riverside.onboarding == 1 and riverside.steps > 0 and riverside.observations == 1
    assert riverside.people >= 3
    codes = {s.code for s in sites.summaries(session, scope.ids, TODAY)}
    assert "NV-PSC-01" in codes and "GC-PSC-01" not in codes


def test_site_pages(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    listing = client.get("/team/sites")
    assert listing.status_code == 200 and "/team/sites/NV-PSC-01" in listing.text
    detail = client.get("/team/sites/NV-PSC-01")
    assert (
        detail.status_code == 200
        and "Alice Moreno" in detail.text
        and "Observations this month" in detail.text
    )
    assert client.get("/team/sites/GC-PSC-01").status_code == 404  # Sam's site: out of scope
    assert client.get("/team/sites/NOWHERE").status_code == 404
    assert re.search(r"No site with code (&#39;|')NOWHERE", client.get("/team/sites/NOWHERE").text)


def test_compliance_counts_a_renewed_course_done_only_until_it_expires(session: Session) -> None:
    alice = person(session, "psr_alice")
    privacy = session.scalars(select(Course).where(Course.code == "PRIV-101")).one()
    session.execute(
        delete(Completion).where(Completion.employee_id == alice.id, Completion.course_id == privacy.id)
    )
    completed = TODAY - dt.timedelta(days=400)
    session.add(
        Completion(employee_id=alice.id, course_id=privacy.id, completed_at=completed, source="manual")
    )
    session.flush()
    forever = analytics.compliance(session, [alice.id], TODAY)
    privacy.valid_for_months = 12
    session.flush()
    renewed = analytics.compliance(session, [alice.id], TODAY)
    expires = add_months(completed, 12)
    for before, after, end in zip(forever, renewed, analytics.month_ends(TODAY), strict=True):
        if end >= expires:
            # Due again from its expiry, and no longer done: one fewer done than if it never expired.
            assert after.done == before.done - 1, (end, before, after)
        else:
            assert after.done <= before.done, (end, before, after)
