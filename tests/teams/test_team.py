"""The team page, its CSV and GET /api/v1/teams/{manager_id}: scope, content, filters, and a query count that
does not grow with the team."""

import csv
import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import AccountRole
from pathways.learning.models import Assignment, Course
from pathways.teams import team
from pathways.teams.scope import team_of, team_scope
from pathways.trackers import conversations
from pathways.trackers import service as trackers
from pathways.trackers.models import TrackerConversation
from tests.helpers import counting_statements, sign_in
from tests.teams.support import TODAY, hire, person, user


def _tracker_with_plan(session: Session, who: str, role: str = "psr-2") -> int:
    employee = person(session, who)
    tracker, _ = trackers.start_tracker(session, employee, role, user(session, "sup_carl"))
    trackers.add_goal(session, tracker, "Lead the morning huddle", None, None)
    return tracker.id


def test_supervisor_sees_direct_and_indirect_reports_with_their_facts(session: Session) -> None:
    tracker_id = _tracker_with_plan(session, "psr_alice")
    tracker = trackers.get_tracker(session, tracker_id)
    conversations.request_conversation(session, tracker, user(session, "psr_alice"), "When could I move?")
    lead = person(session, "lead_bea")
    [indirect] = hire(session, lead, 1, prefix="indirect")  # reports to Bea, who reports to Carl
    page = team.build_team(session, team_scope(session, user(session, "sup_carl")), team.TeamQuery(), TODAY)
    by_name = {m.name: m for m in page.members}
    assert indirect.name in by_name and "Alice Moreno" in by_name
    assert "Carl Lindqvist" not in by_name and "Dan Kowalski" not in by_name
    alice = by_name["Alice Moreno"]
    assert alice.role_code == "psr-1" and alice.site_code == "NV-PSC-01"
    assert [t.code for t in alice.tracked] == ["psr-2"] and 0 <= alice.tracked[0].readiness <= 100
    assert alice.awaiting_review == 1
    assert alice.next_conversation is not None and alice.next_conversation.kind == "requested"
    assert alice.overdue >= 0 and alice.open_required >= alice.overdue


def test_readiness_matches_the_tracker_gap_analysis(session: Session) -> None:
    from pathways.trackers import views

    tracker_id = _tracker_with_plan(session, "psr_alice", "psr-2")
    expected = views.build(session, trackers.get_tracker(session, tracker_id)).analysis.readiness.percent
    page = team.build_team(
        session, team_scope(session, user(session, "sup_carl")), team.TeamQuery(q="alice"), TODAY
    )
    assert [t.readiness for t in page.members[0].tracked] == [expected]


def test_overdue_counts_come_from_the_learning_rules(session: Session) -> None:
    from pathways.learning import requirements as rules

    alice = person(session, "psr_alice")
    expected = sum(r.overdue(TODAY) for r in rules.required_with_status(session, [alice.id]))
    page = team.build_team(
        session, team_scope(session, user(session, "sup_carl")), team.TeamQuery(q="Alice"), TODAY
    )
    assert page.members[0].overdue == expected


def test_site_lead_and_trainer_scopes(session: Session) -> None:
    lead_team = team.build_team(
        session, team_scope(session, user(session, "lead_bea")), team.TeamQuery(), TODAY
    )
    assert {m.site_code for m in lead_team.members} == {"NV-PSC-01"}
    assert "Bea Tanaka" not in {m.name for m in lead_team.members}
    trainer_team = team.build_team(
        session, team_scope(session, user(session, "trainer_tina")), team.TeamQuery(), TODAY
    )
    assert {m.site_code[:2] for m in trainer_team.members} == {"NV"}


def test_filters_and_sorts(session: Session) -> None:
    scope = team_scope(session, user(session, "sup_carl"))
    by_site = team.build_team(session, scope, team.TeamQuery(site="NV-OFF-03"), TODAY)
    assert by_site.members and {m.site_code for m in by_site.members} == {"NV-OFF-03"}
    by_role = team.build_team(session, scope, team.TeamQuery(role="psr-1"), TODAY)
    assert by_role.members and {m.role_code for m in by_role.members} == {"psr-1"}
    longest = team.build_team(session, scope, team.TeamQuery(sort="time", order="desc"), TODAY)
    months = [m.months_in_role for m in longest.members]
    assert months == sorted(months, reverse=True)
    overdue_only = team.build_team(session, scope, team.TeamQuery(only="overdue"), TODAY)
    assert all(m.overdue > 0 for m in overdue_only.members)


def test_query_count_does_not_grow_with_the_team(session: Session) -> None:
    carl = person(session, "sup_carl")
    _tracker_with_plan(session, "psr_alice")
    course_id = session.scalar(select(Course.id).order_by(Course.code).limit(1))
    session.add(
        Assignment(
            employee_id=person(session, "psr_alice").id,
            course_id=course_id,
            due_on=TODAY,
            reason="test",
            state_reason="",
        )
    )
    session.flush()
    with counting_statements(session) as small:
        before = team.build_team(
            session, team_of(session, user(session, "sup_carl"), carl.id), team.TeamQuery(), TODAY
        )
    extra = hire(session, carl, 60)
    for index, employee in enumerate(extra[:20]):
        tracker, _ = trackers.start_tracker(session, employee, "psr-2-float", user(session, "sup_carl"))
        trackers.add_goal(session, tracker, "Float goal", None, None)
        session.add(
            TrackerConversation(
                tracker_id=tracker.id,
                status="held",
                follow_up_on=TODAY + dt.timedelta(days=9),
                questions="",
                outcome="o",
                next_steps="",
            )
        )
        session.add(
            Assignment(
                employee_id=employee.id,
                course_id=course_id,
                due_on=TODAY - dt.timedelta(days=index),
                reason="test",
                state_reason="",
            )
        )
    session.flush()
    with counting_statements(session) as large:
        after = team.build_team(
            session, team_of(session, user(session, "sup_carl"), carl.id), team.TeamQuery(), TODAY
        )
    assert len(after.members) == len(before.members) + 60
    assert len(large) == len(small), (len(small), len(large))


def test_team_page_renders_with_links_and_csv(client: TestClient, session: Session) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/team?sort=name&order=desc")
    assert page.status_code == 200
    assert "Alice Moreno" in page.text and "Dan Kowalski" not in page.text
    assert 'aria-sort="descending"' in page.text and "Download as CSV" in page.text
    assert " style=" not in page.text
    rows = list(csv.DictReader(io.StringIO(client.get("/team.csv").text)))
    assert {"name", "overdue_required", "tracking"} <= set(rows[0])
    assert any(r["name"] == "Alice Moreno" for r in rows)


def test_csv_cells_that_look_like_formulas_are_made_text(client: TestClient, session: Session) -> None:
    [odd] = hire(session, person(session, "sup_carl"), 1, prefix="odd")
    sign_in(client, "sup_carl")
    for start in ("=", "+", "-", "@", "\t", "\r"):
        odd.name = f"{start}SUM(A1:A9)"
        session.flush()
        text = client.get("/team.csv?q=SUM").text
        row = next(csv.reader(io.StringIO(text.split("\n", 1)[1])))
        assert row[0] == f"'{start}SUM(A1:A9)", (start, row[0])


def test_bad_queries_get_a_clear_message(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    page = client.get("/team?sort=shoe-size")
    assert page.status_code == 422 and "Unknown sort" in page.text
    api = client.get("/api/v1/teams/1?order=sideways")
    assert api.status_code in (403, 422)
    assert client.get("/team?manager=999999").status_code == 404
    assert client.get("/team?manager=abc").status_code == 422


def test_team_api_shape_and_scope(client: TestClient, session: Session) -> None:
    carl, sam = person(session, "sup_carl"), person(session, "sup_sam")
    sign_in(client, "sup_carl")
    response = client.get(f"/api/v1/teams/{carl.id}?sort=name")
    assert response.status_code == 200
    body = response.json()
    assert body["manager"] == {"id": carl.id, "name": carl.name}
    member = next(m for m in body["members"] if m["name"] == "Alice Moreno")
    assert {"role", "site", "months_in_role", "tracking", "overdue_required", "conversations"} <= set(member)
    assert client.get(f"/api/v1/teams/{sam.id}").status_code == 403
    assert client.get("/api/v1/teams/99999999").status_code == 404
    assert client.get(f"/api/v1/teams/{carl.id}?sort=nope").status_code == 422


def test_admin_chooses_a_manager(client: TestClient, session: Session) -> None:
    sam = person(session, "sup_sam")
    sign_in(client, "admin_ada")
    page = client.get(f"/team?manager={sam.id}")
    assert page.status_code == 200 and "Dan Kowalski" in page.text and "Alice Moreno" not in page.text
    assert client.get(f"/api/v1/teams/{sam.id}").json()["total"] >= 1


def test_who_may_open_the_team_page(client: TestClient, session: Session) -> None:
    assert client.get("/team", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/teams/1").status_code == 401
    sign_in(client, "psr_alice")
    assert client.get("/team").status_code == 403
    assert client.get(f"/api/v1/teams/{person(session, 'psr_alice').id}").status_code == 403


def test_an_employee_who_is_a_manager_without_a_supervisor_account_is_refused(session: Session) -> None:
    from pathways.errors import Forbidden

    bea = person(session, "lead_bea")
    lead = user(session, "lead_bea")
    assert lead.account_role == AccountRole.SITE_LEAD
    try:
        team_of(session, lead, bea.id)
    except Forbidden:
        return
    raise AssertionError("a site lead must not list a manager's team through the API")


def test_every_sort_link_and_the_csv_link_on_the_team_page_answer(client: TestClient) -> None:
    # The links carry every filter, set or not (`manager=&site=`): an empty value must mean "not set".
    import re

    sign_in(client, "sup_carl")
    page = client.get("/team")
    links = set(re.findall(r'href="(/team(?:\.csv)?\?[^"]*)"', page.text))
    assert any("sort=" in link for link in links) and any(link.startswith("/team.csv") for link in links)
    assert any("manager=&" in link for link in links)
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, (link, response.text[:300])
