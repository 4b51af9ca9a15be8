"""Certifications in Debian's chromium: a PSR adds a certificate with its file, her supervisor verifies it."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.certifications.support import png

pytestmark = pytest.mark.browser


def test_psr_adds_a_certificate_and_her_supervisor_verifies_it(page: Page) -> None:
    sign_in(page, "psr_alice")
    page.goto("/certifications")
    page.get_by_label("Certification", exact=True).select_option("bls-cpr")
    page.get_by_label("Issued by").fill("American Red Cross (Basic Life Support)")
    page.get_by_label("Certificate number").fill("ARC-BROWSER-1")
    page.get_by_label("Issued on").fill("2026-06-01")
    page.get_by_label("Expires on").fill("2028-06-01")
    page.get_by_label("The certificate").set_input_files(
        files=[{"name": "bls.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_role("button", name="Add certificate").click()
    expect(page.get_by_role("status")).to_contain_text("Certification added")
    row = page.get_by_role("row").filter(has_text="ARC-BROWSER-1")
    expect(row).to_contain_text("awaiting verification")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: "/login" in url)

    sign_in(page, "sup_carl")
    page.goto("/team")
    page.get_by_role("navigation", name="Team tools").get_by_role("link", name="Certifications").click()
    page.get_by_role("row").filter(has_text="Alice Moreno").first.get_by_role("link").click()
    row = page.get_by_role("row").filter(has_text="ARC-BROWSER-1")
    row.get_by_role("button", name="Verify Basic Life Support (CPR)").click()
    expect(page.get_by_role("status")).to_have_text("Certification verified.")
    expect(page.get_by_role("row").filter(has_text="ARC-BROWSER-1")).to_contain_text("verified")
