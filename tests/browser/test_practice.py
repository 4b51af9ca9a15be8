"""The practice desk in a real browser: one registration case and one payment case, end to end."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from pathways.practice.cases import CASE_KINDS, kind_for
from pathways.practice.cases.base import Case
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_case(page: Page, name: str) -> Case:
    page.goto("/practice")
    page.get_by_role("button", name=f"Start a case: {name}").click()
    expect(page).to_have_url(re.compile(r"/practice/attempts/\d+$"))
    # The case number sits in the closed "Advanced" disclosure, out of the learner's way (issue 15).
    page.get_by_text("Advanced", exact=True).click()
    seed = int(re.search(r"Case number (\d+)", page.locator("main").inner_text()).group(1))  # type: ignore[union-attr]
    code = {"New-patient registration": "registration-new", "Take the payment": "payment"}[name]
    return kind_for(code).generate(seed)


def test_register_a_new_patient(page: Page) -> None:
    sign_in(page, "psr_alice")
    case = open_case(page, "New-patient registration")
    fields = case.answer["fields"]
    expect(page.get_by_role("group", name="ID card")).to_contain_text(fields["dob"])

    page.locator("#search-last_name").fill(fields["last"])
    page.locator("#search-dob").fill(fields["dob"])
    page.get_by_role("button", name="Search", exact=True).click()
    if case.answer["mode"] == "existing":
        page.get_by_role("button", name=f"Open {case.answer['mrn']}").click()
        expect(page.get_by_role("heading", name=f"Record {case.answer['mrn']}")).to_be_visible()
        page.get_by_label("Update the record opened above").check()
    else:
        expect(page.get_by_role("status")).to_have_text("No patient matches that search.")
        page.get_by_label("Create a new patient record").check()
    for name in (
        "first",
        "last",
        "dob",
        "address",
        "city",
        "state",
        "zip",
        "phone",
        "payer",
        "member_id",
        "group_number",
    ):
        page.locator(f"#register-{name}").fill(fields[name])
    page.get_by_role("button", name="Save the registration").click()

    expect(page.locator("#result-heading")).to_have_text("Result: 100 / 100, passed")
    page.get_by_role("link", name="Replay this case step by step").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Replay")
    page.get_by_role("link", name="Next step").click()
    expect(page.locator("li.current")).to_contain_text("search")


def test_take_a_payment_and_balance_the_drawer(page: Page) -> None:
    sign_in(page, "psr_alice")
    case = open_case(page, "Take the payment")
    answer, facts = case.answer, case.facts
    expect(page.get_by_text("Cash counted in the drawer at close")).to_be_visible()

    page.get_by_label("Amount ($)", exact=True).fill(f"{answer['amount_cents'] / 100:.2f}")
    if facts["method"] == "cash":
        page.get_by_label("Cash tendered ($)").fill(f"{facts['tendered_cents'] / 100:.2f}")
        page.get_by_label("Change given ($)").fill(f"{answer['change_cents'] / 100:.2f}")
    else:
        expect(page.get_by_role("group", name=re.compile("Payment card"))).to_contain_text("Back of the card")
        page.get_by_label("Card: last four digits").fill(answer["card_last4"])
    page.get_by_role("button", name="Post the payment").click()
    page.get_by_role("button", name="Issue the receipt").click()
    expect(page.get_by_role("group", name="Receipt", exact=True)).to_contain_text(
        f"{answer['amount_cents'] / 100:,.2f}"
    )

    page.get_by_label("Cash taken today (with this payment) ($)").fill(
        f"{answer['cash_total_cents'] / 100:.2f}"
    )
    page.get_by_label("Card payments today ($)").fill(f"{answer['card_total_cents'] / 100:.2f}")
    page.get_by_label("Checks today ($)").fill(f"{answer['check_total_cents'] / 100:.2f}")
    page.get_by_label("Expected cash in the drawer ($)").fill(f"{answer['expected_drawer_cents'] / 100:.2f}")
    page.get_by_label("Drawer over (+) or short (-) ($)").fill(f"{answer['over_short_cents'] / 100:.2f}")
    page.get_by_role("button", name="Balance the drawer").click()

    expect(page.locator("#result-heading")).to_have_text("Result: 100 / 100, passed")
    expect(page.get_by_role("group", name=re.compile("Payment card"))).to_have_count(0)


def test_desk_pages_have_no_serious_accessibility_violations(page: Page) -> None:
    sign_in(page, "trainer_tina")
    found = {}
    for path in ("/practice", "/practice/trainer"):
        page.goto(path)
        found[path] = serious_violations(page)
    for kind in CASE_KINDS.values():
        page.goto("/practice")
        page.get_by_role("button", name=f"Start a case: {kind.name}").click()
        found[kind.code] = serious_violations(page)
    page.get_by_role("button", name="Finish and score this case").click()
    found["result"] = serious_violations(page)
    page.get_by_role("link", name="Replay this case step by step").click()
    found["replay"] = serious_violations(page)
    assert {where: v for where, v in found.items() if v} == {}


def test_trainer_set_pages_with_charts_have_no_serious_accessibility_violations(page: Page) -> None:
    sign_in(page, "trainer_tina")
    page.goto("/practice/trainer")
    page.get_by_label("Name").fill("Browser cohort")
    page.get_by_label("Tubes and order of draw").check()
    page.locator('input[name="members"]').first.check()
    page.get_by_role("button", name="Create the set").click()
    expect(page).to_have_url(re.compile(r"/practice/trainer/sets/\d+$"))
    expect(page.get_by_role("img", name="Pass rate by case type")).to_be_visible()
    found = {"results": serious_violations(page)}
    page.get_by_role("link", name="Change or delete this set").click()
    page.get_by_role("textbox", name="Name").fill("Browser cohort, renamed")
    found["edit"] = serious_violations(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("h1")).to_have_text("Browser cohort, renamed")
    assert {where: v for where, v in found.items() if v} == {}
