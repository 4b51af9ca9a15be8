"""A learning plan, a tracker and a role page print as content alone: no navigation, no buttons."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

PRESSABLE = "button, .button, input[type=submit]"


def test_a_learning_plan_a_tracker_and_a_role_page_print_without_navigation_or_buttons(page: Page) -> None:
    sign_in(page, "outsider_dan")
    page.goto("/roles/psr-2-site-lead")
    page.get_by_role("button", name="Start a tracker for this role").click()
    page.wait_for_url(re.compile(r"/trackers/\d+"))
    tracker = page.url
    for address in ("/learning", tracker, "/roles/psr-2-site-lead"):
        page.emulate_media(media="screen")
        page.goto(address)
        pressable = page.locator(PRESSABLE)
        # On screen the page has its navigation and things to press, so their hiding below means something.
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        assert pressable.count() > 0, f"{address} shows no button on screen"
        page.emulate_media(media="print")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
        for index in range(pressable.count()):
            expect(pressable.nth(index)).to_be_hidden()
    # The tracker's own notes are content, kept on paper without their Save button.
    page.goto(tracker)
    expect(page.get_by_label("Your notes")).to_be_visible()
