"""My badges in a real browser: a badge appears once a completion is recorded, downloads as a baked SVG, and
the signed-out verify page accepts that file and says it is valid."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _csrf(page: Page) -> str:
    return page.locator('input[name="csrf_token"]').first.get_attribute("value") or ""


def test_my_badges_download_and_verify_signed_out(page: Page, tmp_path: Path) -> None:
    sign_in(page, "psr_alice")
    alice = page.request.get("/api/v1/me").json()["employee_id"]
    page.get_by_role("button", name="Sign out").click()

    # Her supervisor records a completion: the badges she has earned are issued with it.
    sign_in(page, "sup_carl")
    body = {"employee_id": alice, "course": "PSR-110", "completed_at": dt.date.today().isoformat()}
    recorded = page.request.post("/api/v1/completions", data=body, headers={"X-CSRF-Token": _csrf(page)})
    assert recorded.ok, recorded.text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "psr_alice")
    page.get_by_role("link", name="Badges").click()
    expect(page.get_by_role("heading", name="My badges")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    first_name = rows.first.locator("th").inner_text()
    # On a phone the table scrolls in its own box: its hidden link text must not widen the page.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as download_info:
        rows.first.get_by_role("link", name=f"SVG of {first_name}").click()
    svg = tmp_path / "badge.svg"
    download_info.value.save_as(svg)
    assert "openbadges:credential" in svg.read_text()
    page.get_by_role("button", name="Sign out").click()

    page.goto("/badges/verify")
    page.get_by_label("Or a badge file").set_input_files(svg)
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.get_by_role("heading", name="Valid", exact=True)).to_be_visible()
    expect(page.get_by_text("Signature: passed")).to_be_visible()
    expect(page.get_by_text(first_name).first).to_be_visible()
