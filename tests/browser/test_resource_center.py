"""The resource center as a new PSR uses it, in Debian's chromium, with axe-core on every main page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

MAIN_PAGES = [
    "/",
    "/roles",
    "/roles/psr-2-site-lead",
    "/roles/compare?a=psr-2&b=psr-2-float",
    "/competencies",
    "/competencies/phlebotomy",
    "/courses",
    "/courses?q=privacy",
    "/courses/PRIV-101",
    "/stories",
    "/stories/dana-psr-1-to-psr-2",
    "/plans?role=psr-2",
    "/learning",
    "/trackers",
    "/inbox",
]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_new_psr_finds_where_to_go_next(page: Page) -> None:
    sign_in(page, "psr_alice")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roles and the career lattice")
    lattice = page.locator("svg.lattice")
    expect(lattice).to_be_visible()
    # Every role in the diagram is a link; follow Site Lead from the drawing itself.
    lattice.locator("a[href='/roles/psr-2-site-lead']").click()
    expect(page).to_have_url(re.compile(r"/roles/psr-2-site-lead$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Site Lead")
    expect(page.get_by_text("Coaching and Mentoring").first).to_be_visible()

    page.goto("/roles/compare")
    page.get_by_label("First role").select_option("psr-2")
    page.get_by_label("Second role").select_option("psr-2-float")
    page.get_by_role("button", name=re.compile("Compare")).click()
    expect(page).to_have_url(re.compile(r"a=psr-2&b=psr-2-float"))
    expect(page.locator(".diff").first).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_label("Search code, title or summary").fill("venipuncture")
    page.get_by_role("button", name=re.compile("Search|Filter|Apply")).click()
    expect(page.get_by_role("link", name="Venipuncture basics")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Privacy and HIPAA"))).to_have_count(0)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    first_story = page.locator("main a[href^='/stories/']").first
    title = first_story.inner_text()
    first_story.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/roles")
    expect(page).to_have_url(re.compile(r"/login\?next=/roles"))


def test_wrong_password_says_so_clearly(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Work email").fill("psr_alice@pathways.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("That email and password do not match an account.")


def test_no_inline_script_is_needed(page: Page) -> None:
    # CSP forbids inline script; a console error would show a page relying on it.
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, "psr_alice")
    for path in MAIN_PAGES:
        page.goto(path)
    assert [e for e in errors if "Content Security Policy" in e] == []


@pytest.mark.parametrize("path", ["/login", *MAIN_PAGES])
def test_main_pages_have_no_serious_accessibility_violations(page: Page, path: str) -> None:
    if path != "/login":
        sign_in(page, "psr_alice")
    page.goto(path)
    assert serious_violations(page) == []


def test_api_docs_render_offline_under_the_content_security_policy(page: Page) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    page.on(
        "request", lambda request: refused.append(request.url) if "127.0.0.1" not in request.url else None
    )
    page.goto("/docs")
    page.get_by_text("List roles").first.wait_for()
    assert page.get_by_text("Pathways").first.is_visible()
    assert refused == [], "no CSP violation, no request off this server"
