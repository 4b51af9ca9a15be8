"""A set's results page as charts with table alternatives, and its CSV download, from known attempts."""

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.auth.models import User
from pathways.org.models import Employee
from pathways.practice import service, sets
from pathways.practice.cases import kind_for
from pathways.practice.models import PracticeAttempt, PracticeFinding
from pathways.practice.worksheet import label
from tests.helpers import sign_in

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"


def employee(session: Session, who: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == f"{who}@pathways.example")).one()


def attempt_at(
    session: Session, employee_id: int, set_id: int, case_type: str, index: int
) -> PracticeAttempt:
    return service.start_attempt(session, employee_id, case_type, set_id=set_id, index=index, now=START)


def pass_case(session: Session, employee_id: int, set_id: int, case_type: str, index: int) -> None:
    attempt = attempt_at(session, employee_id, set_id, case_type, index)
    kind = kind_for(case_type)
    for number, (name, payload) in enumerate(kind.model_answer(service.case_of(attempt)), start=1):
        service.act(session, attempt, name, payload, now=START + dt.timedelta(seconds=10 * number))
    service.finish(session, attempt, now=START + dt.timedelta(minutes=2))


def fail_draw(session: Session, employee_id: int, set_id: int, index: int) -> None:
    attempt = attempt_at(session, employee_id, set_id, "order-of-draw", index)
    service.act(session, attempt, "draw", {"tubes": ["gold-sst", "light-blue"]}, now=START)
    service.finish(session, attempt, now=START)


def known_set(session: Session) -> int:
    """Alice: order of draw #1 failed then passed, #2 passed; privacy #1 passed, #2 not tried."""
    tina = session.scalars(select(User).where(User.email == "trainer_tina@pathways.example")).one()
    alice = employee(session, "psr_alice")
    data = sets.NewSet(
        name="Cohort charts",
        case_types=["order-of-draw", "privacy"],
        cases_per_type=2,
        level=2,
        members=[alice.employee_number],
    )
    set_id = sets.create_set(session, tina, data).id
    fail_draw(session, alice.id, set_id, 0)
    pass_case(session, alice.id, set_id, "order-of-draw", 0)
    pass_case(session, alice.id, set_id, "order-of-draw", 1)
    pass_case(session, alice.id, set_id, "privacy", 0)
    return set_id


def svg(page: str, ident: str) -> ET.Element:
    match = re.search(rf'<svg[^>]*aria-labelledby="{ident}-title {ident}-desc".*?</svg>', page, re.S)
    assert match, f"no chart {ident}"
    return ET.fromstring(match.group(0))


def bars(chart: ET.Element) -> list[tuple[str, float, str]]:
    """(label, bar width, figure beside it) for each bar, in order."""
    texts = [t.text or "" for t in chart.iter(f"{SVG}text")]
    widths = [float(r.get("width", "0")) for r in chart.iter(f"{SVG}rect")]
    return [(texts[2 * i], widths[i], texts[2 * i + 1]) for i in range(len(widths))]


def table(page: str, ident: str) -> list[list[str]]:
    match = re.search(rf'<table id="{ident}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert match, f"no table {ident}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_pass_rate_chart_and_table(client: TestClient, session: Session) -> None:
    set_id = known_set(session)
    sign_in(client, "trainer_tina")
    page = client.get(f"/practice/trainer/sets/{set_id}").text
    # Each chart and table once, in the page body: never inside the <title>.
    assert re.search(r"<title>[^<]* · Pathways</title>", page)
    assert page.count('id="pass-rate-table"') == 1 and page.count('id="errors-table"') <= 1
    chart = svg(page, "pass-rate")
    assert chart.get("role") == "img"
    assert chart.findtext(f"{SVG}title") == "Pass rate by case type"
    desc = chart.findtext(f"{SVG}desc") or ""
    assert "Tubes and order of draw: 67 % (2 of 3)" in desc and "Privacy request: 100 % (1 of 1)" in desc
    assert bars(chart) == [
        ("Tubes and order of draw", 201.0, "67 % (2 of 3)"),  # drawn against 100 %: 300 px wide
        ("Privacy request", 300.0, "100 % (1 of 1)"),
    ]
    assert table(page, "pass-rate-table") == [
        ["Tubes and order of draw", "3", "2", "67 %"],
        ["Privacy request", "1", "1", "100 %"],
    ]


def test_error_charts_match_the_findings(client: TestClient, session: Session) -> None:
    set_id = known_set(session)
    found = session.execute(
        select(PracticeFinding.code, PracticeFinding.severity)
        .join(PracticeAttempt, PracticeAttempt.id == PracticeFinding.attempt_id)
        .where(PracticeAttempt.set_id == set_id)
    ).all()
    by_kind = Counter((code, severity) for code, severity in found)
    by_severity = Counter(severity for _, severity in found)
    assert by_kind[("citrate-after-activator", "critical")] == 1
    sign_in(client, "trainer_tina")
    page = client.get(f"/practice/trainer/sets/{set_id}").text

    severity = svg(page, "errors-severity")
    assert severity.findtext(f"{SVG}title") == "Errors by severity"
    shown = {label: int(figure) for label, _, figure in bars(severity)}
    assert shown == {s: by_severity[s] for s in ("critical", "major", "minor")}
    assert table(page, "severity-table") == [[s, str(by_severity[s])] for s in ("critical", "major", "minor")]

    kinds = svg(page, "errors-kind")
    drawn = bars(kinds)
    assert {label: int(figure) for label, _, figure in drawn} == {
        f"{label(c)} ({s})": n for (c, s), n in by_kind.items()
    }
    assert drawn[0][0] == "Citrate after activator (critical)"  # critical errors first, by name not code
    peak = max(by_kind.values())
    assert all(width == round(300 * int(figure) / peak, 1) for _, width, figure in drawn)
    rows = table(page, "errors-table")
    assert {(name, sev): int(n) for name, sev, n in rows} == {
        (label(c), s): n for (c, s), n in by_kind.items()
    }


def test_a_set_without_attempts_draws_empty_charts(client: TestClient, session: Session) -> None:
    tina = session.scalars(select(User).where(User.email == "trainer_tina@pathways.example")).one()
    data = sets.NewSet(
        name="Empty",
        case_types=["abn"],
        cases_per_type=1,
        level=1,
        members=[employee(session, "psr_alice").employee_number],
    )
    set_id = sets.create_set(session, tina, data).id
    sign_in(client, "trainer_tina")
    page = client.get(f"/practice/trainer/sets/{set_id}").text
    assert bars(svg(page, "pass-rate")) == [("Advance Beneficiary Notice", 0.0, "no attempts")]
    assert table(page, "pass-rate-table") == [["Advance Beneficiary Notice", "0", "0", "\N{EN DASH}"]]
    assert "No errors recorded yet." in page


def test_results_csv(client: TestClient, session: Session) -> None:
    set_id = known_set(session)
    alice = employee(session, "psr_alice")
    alice.name = "=HYPERLINK(1)"  # a name that a spreadsheet would run as a formula
    session.flush()
    sign_in(client, "trainer_tina")
    page = client.get(f"/practice/trainer/sets/{set_id}")
    assert f'href="/practice/trainer/sets/{set_id}/results.csv"' in page.text
    response = client.get(f"/practice/trainer/sets/{set_id}/results.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="practice-set-{set_id}-results.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    picked = [
        (r["case_type"], r["case_number"], r["finished_attempts"], r["latest_score"], r["latest_passed"])
        for r in rows
    ]
    assert picked == [
        ("order-of-draw", "1", "2", "100", "yes"),
        ("order-of-draw", "2", "1", "100", "yes"),
        ("privacy", "1", "1", "100", "yes"),
        ("privacy", "2", "0", "", ""),
    ]
    assert {r["employee_number"] for r in rows} == {alice.employee_number}
    assert {r["learner"] for r in rows} == {"'=HYPERLINK(1)"}
    assert {r["set_passed_on"] for r in rows} == {""}  # privacy #2 is still to do
    assert rows[0]["latest_critical"] == "0" and rows[0]["latest_finished_at"].startswith("2026-11-23T09:02")


def test_only_the_sets_trainer_downloads_its_results(client: TestClient, session: Session) -> None:
    set_id = known_set(session)
    for who in ("psr_alice", "sup_carl", "outsider_dan"):
        client.cookies.clear()
        sign_in(client, who)
        assert client.get(f"/practice/trainer/sets/{set_id}/results.csv").status_code == 403, who
    client.cookies.clear()
    sign_in(client, "admin_ada")
    assert client.get(f"/practice/trainer/sets/{set_id}/results.csv").status_code == 200
