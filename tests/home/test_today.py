"""The home page leads with what needs doing now, for each demo account, each item linking to where it is done
(issue 15); the navigation shows the unread count; the statement count does not grow with a team."""

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import AccountRole, User
from pathways.competencies import ratings
from pathways.competencies.models import Competency, CompetencyRating
from pathways.home.service import load_employee
from pathways.inbox import service as inbox
from pathways.learning.models import Assignment, CompletionImport, Course
from pathways.learning.plan_service import build_plan
from pathways.org.models import Employee
from pathways.stories import submissions
from pathways.teams import onboarding
from pathways.trackers import conversations
from pathways.trackers import service as trackers
from tests.helpers import counting_statements, page_csrf, sign_in

TODAY = dt.date.today()


def person(session: Session, key: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == f"{key}@pathways.example")).one()


def account(session: Session, key: str) -> User:
    return session.scalars(select(User).where(User.email == f"{key}@pathways.example")).one()


def section(page: str, key: str) -> str:
    """One list of the Today section: a card of its own, or its line in the "Nothing waiting" card."""
    match = re.search(rf'<li class="card" id="{key}">(.*?)\n  </li>', page, re.S) or re.search(
        rf'<li id="{key}">(.*?)</li>', page
    )
    assert match, f"no {key} list on the page"
    return match.group(1)


def groups(page: str) -> list[str]:
    """The lists, as the service ordered them (the page puts the empty ones last)."""
    today = page[page.index('id="today"') : page.index("</section>", page.index('id="today"'))]
    found = re.findall(r'<li (?:class="card" )?id="(today-[a-z-]+)">', today)
    return [key for key in found if key != "today-clear"]


def waiting(page: str) -> list[str]:
    today = page[page.index('id="today"') : page.index("</section>", page.index('id="today"'))]
    return [
        key for key in re.findall(r'<li class="card" id="(today-[a-z-]+)">', today) if key != "today-clear"
    ]


def home(client: TestClient, who: str) -> str:
    client.cookies.clear()
    sign_in(client, who)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


def test_a_psr_sees_her_courses_due_trackers_and_messages(client: TestClient, session: Session) -> None:
    alice = load_employee(session, person(session, "psr_alice").id)
    assert alice is not None
    plan = build_plan(session, alice, TODAY)
    overdue = [e.course.code for e in plan.required if e.overdue]
    assert overdue, "the demo gives Alice overdue required courses"
    page = home(client, "psr_alice")
    assert groups(page) == ["today-courses", "today-assigned", "today-trackers", "today-messages"]
    # What waits gets a card of its own; the lists with nothing in them share one short card, last.
    assert waiting(page) == ["today-courses"]
    assert page.index('id="today-clear"') > page.index('id="today-courses"')
    courses = section(page, "today-courses")
    assert [c for c in overdue if f"{c}: " in courses] == overdue[:5]
    assert "<strong>Overdue since " in courses and 'href="/learning"' in courses
    assert "No tracker yet" in section(page, "today-trackers")
    assert "No unread messages." in section(page, "today-messages")


def test_new_training_a_tracker_and_a_message_appear(client: TestClient, session: Session) -> None:
    tina = account(session, "trainer_tina")
    sign_in(client, "trainer_tina")
    due = (TODAY + dt.timedelta(days=30)).isoformat()
    made = client.post("/api/v1/assignments", headers={"X-CSRF-Token": page_csrf(client)}, json={
        "course": "COMM-110", "target": {"type": "employee", "code": "psr_alice@pathways.example"},
        "due_on": due, "reason": "Front desk refresher"})  # fmt: skip
    assert made.status_code in (200, 201), made.text
    client.cookies.clear()
    sign_in(client, "psr_alice")
    csrf = {"X-CSRF-Token": page_csrf(client)}
    tracker = client.post("/api/v1/me/trackers", json={"role": "psr-2"}, headers=csrf).json()
    plan = {"plan": [{"course": "REV-201", "quarter": "2027-Q1"}]}
    assert client.patch(f"/api/v1/trackers/{tracker['id']}", json=plan, headers=csrf).status_code == 200
    alice_user = account(session, "psr_alice")
    inbox.notify_user(session, alice_user.id, "test", "Your site lead left you a note", "/inbox")
    session.flush()
    page = client.get("/").text
    assigned = section(page, "today-assigned")
    assert "COMM-110: " in assigned and f"Assigned by {tina.name}" in assigned
    trackers = section(page, "today-trackers")
    assert (
        f'href="/trackers/{tracker["id"]}"' in trackers and "PSR II: " in trackers and "% ready" in trackers
    )
    assert "Next: REV-201 " in trackers and "planned for 2027-Q1" in trackers
    unread = inbox.unread_count(session, alice_user.id)
    messages = section(page, "today-messages")
    assert f'Unread messages: <span class="num">{unread}</span>' in messages
    assert "Your site lead left you a note" in messages
    # The navigation carries the same count, on every page.
    assert f'Inbox <span class="unread">{unread}<span class="visually-hidden"> unread</span>' in page
    other = client.get("/courses").text
    assert f'<span class="unread">{unread}<' in other


def test_a_supervisor_sees_people_claims_requests_onboarding_and_ratings(
    client: TestClient, session: Session
) -> None:
    alice, carl = person(session, "psr_alice"), account(session, "sup_carl")
    sign_in(client, "psr_alice")
    csrf = {"X-CSRF-Token": page_csrf(client)}
    claim = client.post(
        "/api/v1/completions", headers=csrf, json={"course": "PSR-120", "completed_at": TODAY.isoformat()}
    )
    assert claim.status_code in (200, 201), claim.text
    tracker_id = client.post("/api/v1/me/trackers", json={"role": "psr-2"}, headers=csrf).json()["id"]
    tracker = trackers.get_tracker(session, tracker_id)
    conversations.request_conversation(session, tracker, account(session, "psr_alice"), "When could I start?")
    onboarding.start_plan(
        session, account(session, "lead_bea"), alice, template_id=None, mentor_id=None, started_on=TODAY
    )
    session.flush()
    page = home(client, "sup_carl")
    assert groups(page)[:6] == [
        "today-overdue", "today-conversations", "today-team-onboarding", "today-claims", "today-ratings",
        "today-courses",
    ]  # fmt: skip
    overdue = section(page, "today-overdue")
    # The most overdue first; the rest are one link away, counted.
    assert re.search(r'People with overdue training: <span class="num">(\d+)</span>', overdue)
    assert len(re.findall(r'href="/learning/employees/\d+"', overdue)) == 5 and "more)" in overdue
    claims = section(page, "today-claims")
    assert "Alice Moreno: PSR-120 " in claims and 'href="/learning/confirmations"' in claims
    asked = section(page, "today-conversations")
    assert (
        f'href="/trackers/{tracker_id}">Alice Moreno</a>' in asked and "Asked to talk about PSR II" in asked
    )
    steps = section(page, "today-team-onboarding")
    assert f'href="/team/onboarding/{alice.id}">Alice Moreno: ' in steps
    due = section(page, "today-ratings")
    assert (
        f'href="/team/people/{alice.id}/ratings">Alice Moreno</a><br><span class="muted">Not rated yet' in due
    )
    # A rating from more than a year ago is due again; one from last month is not.
    competency = session.scalars(select(Competency).order_by(Competency.id)).first()
    assert competency is not None
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    session.add(CompetencyRating(employee_id=alice.id, competency_id=competency.id, kind="manager", level=2,
                                 rated_by_user_id=carl.id, rated_at=old))  # fmt: skip
    session.flush()
    assert ratings.ratings_due(session, [alice.id], TODAY) == [
        ratings.RatingDue(alice.id, alice.name, old.date())
    ]
    due_count = re.compile(r'Competency ratings due: <span class="num">(\d+)</span>')
    match = due_count.search(client.get("/").text)
    assert match
    still_due = int(match.group(1))
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    session.add(CompetencyRating(employee_id=alice.id, competency_id=competency.id, kind="manager", level=3,
                                 rated_by_user_id=carl.id, rated_at=recent))  # fmt: skip
    session.flush()
    assert ratings.ratings_due(session, [alice.id], TODAY) == []
    match = due_count.search(client.get("/").text)
    assert match and int(match.group(1)) == still_due - 1


def test_a_site_lead_sees_onboarding_and_training_but_no_conversations(
    client: TestClient, session: Session
) -> None:
    alice = person(session, "psr_alice")
    plan = onboarding.start_plan(
        session, account(session, "lead_bea"), alice, template_id=None, mentor_id=None, started_on=TODAY
    )
    first = min(plan.items, key=lambda i: i.position)
    first.done_on = TODAY
    session.flush()
    page = home(client, "lead_bea")
    assert groups(page)[:2] == ["today-overdue", "today-team-onboarding"]
    assert "today-conversations" not in groups(page) and "today-ratings" not in groups(page)
    steps = section(page, "today-team-onboarding")
    assert f"Alice Moreno: {first.title}" in steps and "Done, ready to sign off" in steps


def test_a_trainer_sees_her_open_practice_sets(client: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    page = home(client, "trainer_tina")
    assert "No practice set has a learner still working on it." in section(page, "today-practice")
    made = client.post("/api/v1/practice/sets", headers={"X-CSRF-Token": page_csrf(client)}, json={
        "name": "March cohort", "case_types": ["booking"], "cases_per_type": 1, "level": 1,
        "members": [alice.employee_number]})  # fmt: skip
    assert made.status_code == 201, made.text
    practice = section(client.get("/").text, "today-practice")
    assert f'href="/practice/trainer/sets/{made.json()["id"]}">March cohort</a>' in practice
    assert "0 of 1 learners passed" in practice
    assert "today-team-onboarding" not in groups(page)


def test_an_admin_sees_the_story_queue_and_last_imports(client: TestClient, session: Session) -> None:
    page = home(client, "admin_ada")
    assert groups(page) == ["today-stories", "today-imports", "today-messages"]
    assert "No story is waiting for review." in section(page, "today-stories")
    draft = submissions.Draft(
        title="From the front desk to the lab", from_role="psr-1", to_role="psr-2", months=14,
        courses=["LAB-110"], tips=["Ask to shadow a draw."], body="I started at registration. " * 5,
    )  # fmt: skip
    submissions.submit(session, account(session, "psr_alice"), draft)
    session.add(CompletionImport(filename="lms-march.csv", sha256="0" * 64, size_bytes=120,
                                 summary={"rows": 40, "new": 37, "known": 0, "rejected": 3}))  # fmt: skip
    session.flush()
    page = client.get("/").text
    assert 'href="/admin/stories">From the front desk to the lab</a>' in section(page, "today-stories")
    imports = section(page, "today-imports")
    assert 'href="/learning/completions/import">Completions: lms-march.csv</a>' in imports
    assert "previewed, not applied: 40 rows, 3 rejected</strong>" in imports


def test_every_account_kind_gets_a_today_section(client: TestClient, session: Session) -> None:
    kinds = {}
    for who in ("psr_alice", "lead_bea", "sup_carl", "trainer_tina", "admin_ada", "outsider_dan"):
        page = home(client, who)
        kinds[account(session, who).account_role] = groups(page)
        assert "today-messages" in groups(page), who
    assert set(kinds) == set(AccountRole)


def test_the_supervisors_home_costs_the_same_for_a_bigger_team(client: TestClient, session: Session) -> None:
    carl = person(session, "sup_carl")
    course = session.scalars(select(Course).where(Course.code == "COMM-110")).one()
    lead = account(session, "lead_bea")
    psr_1, site = person(session, "psr_alice").role_id, person(session, "lead_bea").site_id

    def hire(first: int, count: int) -> None:
        # New reports with what the lists show: overdue training and an onboarding plan.
        for n in range(first, first + count):
            new = Employee(employee_number=f"T-{n:03}", name=f"New Hire {n}",
                           email=f"hire{n}@pathways.example", role_id=psr_1, site_id=site,
                           manager_id=carl.id, hire_date=TODAY, role_since=TODAY)  # fmt: skip
            session.add(new)
            session.flush()
            overdue = TODAY - dt.timedelta(days=3)
            session.add(Assignment(employee_id=new.id, course_id=course.id, reason="test", due_on=overdue,
                                   assigned_by_user_id=lead.id))  # fmt: skip
            onboarding.start_plan(session, lead, new, template_id=None, mentor_id=None, started_on=TODAY)
        session.flush()

    def statements() -> int:
        with counting_statements(session) as seen:
            assert client.get("/").status_code == 200
        return len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")])

    sign_in(client, "sup_carl")
    hire(0, 1)
    one = statements()
    hire(1, 15)
    many = statements()
    page = client.get("/").text
    assert "New Hire 15" in page or "(" in section(page, "today-overdue")
    assert many == one, (one, many)
