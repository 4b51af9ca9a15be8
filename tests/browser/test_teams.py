"""Teams in Debian's chromium: ratings side by side, onboarding sign-off, and axe-core on every teams page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SUPERVISOR_PAGES = [
    "/team",
    "/team/sites",
    "/team/sites/NV-PSC-01",
    "/team/onboarding",
    "/team/bench",
    "/team/analytics",
    "/team/certifications",
    "/certifications",
    "/ratings",
    "/stories/new",
    "/stories/mine",
]
ADMIN_PAGES = ["/admin", "/admin/content", "/admin/content/roles/psr-2", "/admin/stories", "/admin/audit"]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/login" in url)


def test_supervisor_rates_a_report_who_sees_it_beside_their_self_rating(page: Page) -> None:
    # Tina (a PSR II with a trainer account) reports to Carl; other browser tests do not look at her levels.
    sign_in(page, "trainer_tina")
    page.goto("/ratings")
    page.get_by_label("Decision Quality", exact=True).select_option("4")
    page.get_by_label("Note on Decision Quality").fill("I make the calls on busy days")
    page.get_by_role("button", name="Save ratings").click()
    expect(page.get_by_role("status")).to_have_text("Ratings saved.")
    sign_out(page)

    sign_in(page, "sup_carl")
    page.goto("/team")
    page.get_by_role("link", name="Tina Haddad").click()
    page.get_by_role("link", name="Competency ratings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Competency ratings: Tina Haddad")
    page.get_by_label("Decision Quality", exact=True).select_option("3")
    page.get_by_label("Note on Decision Quality").fill("Sound calls; ask for help sooner")
    page.get_by_role("button", name="Save ratings").click()
    expect(page.get_by_role("status")).to_have_text("Ratings saved.")
    sign_out(page)

    sign_in(page, "trainer_tina")
    page.goto("/ratings")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Decision Quality"))
    cells = row.first.get_by_role("cell")
    expect(cells.nth(1)).to_contain_text("Role model")  # levels by name, never a number (issue 15)
    expect(cells.nth(1)).to_contain_text("I make the calls on busy days")
    expect(cells.nth(2)).to_contain_text("Proficient")
    expect(cells.nth(2)).to_contain_text("Sound calls; ask for help sooner")


def test_site_lead_starts_onboarding_and_waits_for_the_new_hire(page: Page) -> None:
    sign_in(page, "lead_bea")
    page.goto("/team?site=NV-PSC-01&role=psr-1")  # a new PSR I at her site, not Alice (other tests use her)
    page.locator("tbody th a").filter(has_not_text="Alice Moreno").first.click()
    name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Onboarding", exact=True).last.click()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("status")).to_have_text("Onboarding plan started.")
    checklist = page.get_by_role("table", name="Checklist")
    # Every step is to do: the new hire marks it done before the site lead can sign it off.
    expect(checklist.get_by_role("row").filter(has_text="Welcome, site tour")).to_contain_text("To do")
    expect(checklist.get_by_role("button", name="Sign off")).to_have_count(0)
    expect(checklist.get_by_role("button", name="Mark done")).to_have_count(0)
    sign_out(page)

    sign_in(page, "sup_carl")
    page.goto("/team/onboarding")
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("0 of")


def test_teams_and_admin_pages_pass_axe(page: Page) -> None:
    found: list[str] = []
    sign_in(page, "sup_carl")
    for path in SUPERVISOR_PAGES:
        page.goto(path)
        found += serious_violations(page)
    page.goto("/team")
    page.get_by_role("link", name="Alice Moreno").click()
    found += serious_violations(page)
    sign_out(page)
    sign_in(page, "admin_ada")
    for path in ADMIN_PAGES:
        page.goto(path)
        found += serious_violations(page)
    assert found == []
