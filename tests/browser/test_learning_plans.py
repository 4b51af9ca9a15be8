"""Learning plans in a real browser: assigning a course to a whole team, and the CSV import preview."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_supervisor_assigns_a_course_to_their_whole_team(page: Page) -> None:
    sign_in(page, "sup_carl")
    page.goto("/learning")
    page.get_by_role("link", name="Assign a course").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign a course")
    page.get_by_label("Course").select_option(
        label="PRIV-201: Privacy in practice: disclosures, minimum necessary and incidents"
    )
    page.get_by_label("Assign to").select_option(label="Team of Carl Lindqvist")
    page.get_by_label("Due date").fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Reason (shown to the people assigned)").fill("Privacy audit findings")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "PRIV-201 assigned to the team of Carl Lindqvist"
    )
    expect(page.get_by_role("status")).to_contain_text("newly assigned")
    expect(page.get_by_role("link", name="Alice Moreno")).to_be_visible()

    # Alice sees it in her plan, with who assigned it and why; and in her inbox.
    page.context.clear_cookies()
    sign_in(page, "psr_alice")
    page.goto("/learning")
    row = page.get_by_role("row").filter(has_text="PRIV-201")
    expect(row).to_contain_text("Assigned by Carl Lindqvist")
    expect(row).to_contain_text("Privacy audit findings")
    page.goto("/inbox")
    expect(page.get_by_text("New required course: Privacy in practice")).to_be_visible()


def test_an_admin_previews_then_applies_a_csv_import(page: Page) -> None:
    day = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    content = (
        "employee,course,completed_at,score\n"
        f"psr_alice@pathways.example,COMM-130,{day},84\n"
        f"nobody@example.com,COMM-130,{day},\n"
        f"psr_alice@pathways.example,COMM-130,{day},84\n"
    )
    sign_in(page, "admin_ada")
    page.goto("/learning/completions/import")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "lms-export.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import preview: lms-export.csv")
    expect(page.get_by_role("status")).to_contain_text("3 rows: 1 to record, 0 already known, 2 rejected")
    rejected = page.get_by_role("table", name="Rejected rows (2)")
    expect(rejected.get_by_role("row").filter(has_text="no employee with email or number")).to_contain_text(
        "3"
    )
    expect(rejected.get_by_role("row").filter(has_text="repeats row 2")).to_contain_text("4")
    page.get_by_role("button", name="Apply: record 1 completions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import applied: lms-export.csv")
    expect(page.get_by_role("status")).to_contain_text("1 recorded")
