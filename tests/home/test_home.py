import datetime as dt
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from pathways.careers.models import Role
from pathways.home.service import describe_duration
from pathways.learning.models import Completion, Course
from pathways.learning.requirements import add_months
from pathways.org.models import Employee
from tests.helpers import counting_statements, sign_in

ALICE = "psr_alice@pathways.example"


def alice(session: Session) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == ALICE)).one()


def statements_for(session: Session, client: TestClient, path: str) -> int:
    with counting_statements(session) as statements:
        assert client.get(path).status_code == 200
    return len([sql for sql in statements if sql.lstrip().upper().startswith("SELECT")])


def test_home_shows_alices_role_site_and_next_roles(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Welcome, Alice Moreno</h1>" in page
    current = page[page.index('id="current-role"') : page.index('id="next-roles"')]
    assert '<a href="/roles/psr-1">PSR I</a>' in current
    assert "Riverside Patient Service Center" in current
    assert "1 year" in current
    nxt = page[page.index('id="next-roles"') : page.index('id="learning"')]
    assert '<a href="/roles/psr-2">PSR II</a>' in nxt
    assert '<a href="/roles/billing-specialist">Billing Specialist</a>' in nxt
    assert "12 months" in nxt and "18 months" in nxt
    assert "/roles/compare?a=psr-1&amp;b=psr-2" in nxt
    assert 'href="/courses"' in page


def test_home_learning_matches_the_completion_history(client: TestClient, session: Session) -> None:
    employee = alice(session)
    completions = session.scalars(
        select(Completion)
        .where(Completion.employee_id == employee.id)
        .order_by(Completion.completed_at.desc())
    ).all()
    role = session.get(Role, employee.role_id)
    assert role is not None
    required = session.scalars(select(Course).join(Role.required_courses).where(Role.id == role.id)).all()
    done = {c.course_id for c in completions}
    sign_in(client, "psr_alice")
    page = client.get("/").text
    learning = page[page.index('id="learning"') :]
    assert f'Courses completed: <span class="num">{len(done)}</span>' in learning
    recent = re.findall(r'<time datetime="([\d-]+)">', learning)
    assert recent == [c.completed_at.isoformat() for c in completions[:5]]
    finished = sum(1 for c in required if c.id in done)
    assert f"Required for PSR I: {finished} of {len(required)} done" in learning
    for course in required:
        row = re.search(rf'<tr( class="met")?>\s*<th scope="row"><a href="/courses/{course.code}">', learning)
        assert row is not None, course.code
        assert (row.group(1) is not None) == (course.id in done)


def test_completing_a_required_course_marks_it_done(client: TestClient, session: Session) -> None:
    employee = alice(session)
    course = session.scalars(select(Course).where(Course.code == "PSR-120")).one()
    session.add(
        Completion(
            employee_id=employee.id, course_id=course.id, completed_at=dt.date(2099, 1, 2), source="manual"
        )
    )
    session.flush()
    sign_in(client, "psr_alice")
    page = client.get("/").text
    assert re.search(r'<tr class="met">\s*<th scope="row"><a href="/courses/PSR-120">.*?Done', page, re.S)
    # The newest completion comes first in the recent list.
    assert re.findall(r'<time datetime="([\d-]+)">', page)[0] == "2099-01-02"


def test_query_count_does_not_grow_with_completions(client: TestClient, session: Session) -> None:
    sign_in(client, "psr_alice")
    client.get("/")
    before = statements_for(session, client, "/")
    employee = alice(session)
    courses = session.scalars(select(Course).order_by(Course.code)).all()
    for day, course in enumerate(courses[:20]):
        session.add(
            Completion(
                employee_id=employee.id,
                course_id=course.id,
                completed_at=dt.date(2030, 1, 1) + dt.timedelta(days=day),
                source="manual",
            )
        )
    session.flush()
    assert statements_for(session, client, "/") == before


def test_site_lead_sees_her_own_next_roles(client: TestClient) -> None:
    sign_in(client, "lead_bea")
    page = client.get("/").text
    nxt = page[page.index('id="next-roles"') : page.index('id="learning"')]
    assert 'href="/roles/group-lead"' in nxt and 'href="/roles/psr-2-float"' in nxt
    assert 'href="/roles/psr-2">' not in nxt


def test_account_without_employee_gets_a_generic_home(client: TestClient, session: Session) -> None:
    admin = session.scalars(select(User).where(User.email == "admin_ada@pathways.example")).one()
    assert admin.employee_id is None
    sign_in(client, "admin_ada")
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Welcome, Ada Fernsby</h1>" in page
    assert "not linked to an employee record" in page
    assert 'href="/roles"' in page and 'href="/courses"' in page
    assert '<a href="/roles/psr-1">PSR I</a>' in page  # where careers start
    assert 'id="next-roles"' not in page


def test_anonymous_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


@pytest.mark.parametrize(
    ("start", "today", "expected"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 2, 1), "less than a month"),
        (dt.date(2026, 1, 15), dt.date(2026, 2, 15), "1 month"),
        (dt.date(2025, 1, 31), dt.date(2026, 3, 1), "1 year and 1 month"),
        (dt.date(2020, 6, 1), dt.date(2026, 6, 1), "6 years"),
        (dt.date(2023, 3, 10), dt.date(2026, 11, 9), "3 years and 7 months"),
    ],
)
def test_describe_duration(start: dt.date, today: dt.date, expected: str) -> None:
    assert describe_duration(start, today) == expected


def test_a_required_course_past_its_validity_is_not_done(client: TestClient, session: Session) -> None:
    employee = alice(session)
    course = session.scalars(select(Course).where(Course.code == "PSR-120")).one()
    course.valid_for_months = 12
    session.add(
        Completion(
            employee_id=employee.id, course_id=course.id, completed_at=dt.date(2020, 1, 15), source="manual"
        )
    )
    session.flush()
    sign_in(client, "psr_alice")
    page = client.get("/").text
    row = re.search(r'<tr( class="met")?>\s*<th scope="row"><a href="/courses/PSR-120">.*?</tr>', page, re.S)
    assert row and row.group(1) is None, "an expired course must not be marked as met"
    assert "Expired on 15 Jan 2021" in row.group(0)
    assert 'href="/learning">due again' in row.group(0)


def test_a_required_course_within_its_validity_shows_until_when(client: TestClient, session: Session) -> None:
    employee = alice(session)
    course = session.scalars(select(Course).where(Course.code == "PSR-120")).one()
    course.valid_for_months = 12
    completed = dt.date.today() - dt.timedelta(days=30)
    session.add(
        Completion(employee_id=employee.id, course_id=course.id, completed_at=completed, source="manual")
    )
    session.flush()
    sign_in(client, "psr_alice")
    page = client.get("/").text
    row = re.search(r'<tr class="met">\s*<th scope="row"><a href="/courses/PSR-120">.*?</tr>', page, re.S)
    assert row, "a completion inside its validity counts as done"
    expires = add_months(completed, 12)
    assert f"valid until {expires.day} {expires.strftime('%b %Y')}" in row.group(0)
