"""A short help page per kind of account, the reader's own first, linked from the navigation and footer."""

import re

import pytest
from starlette.testclient import TestClient

from pathways.auth.models import AccountRole
from pathways.home.help import GUIDES
from tests.helpers import sign_in

OWN = {
    "psr_alice": AccountRole.EMPLOYEE,
    "lead_bea": AccountRole.SITE_LEAD,
    "sup_carl": AccountRole.SUPERVISOR,
    "trainer_tina": AccountRole.TRAINER,
    "admin_ada": AccountRole.ADMIN,
}


def test_there_is_a_guide_for_every_kind_of_account() -> None:
    assert {guide.role for guide in GUIDES} == set(AccountRole)
    for guide in GUIDES:
        assert guide.tasks and all(task.answer.endswith(".") for task in guide.tasks), guide.role


@pytest.mark.parametrize("who", sorted(OWN))
def test_the_readers_own_guide_comes_first_and_only_it_links(client: TestClient, who: str) -> None:
    sign_in(client, who)
    response = client.get("/help")
    assert response.status_code == 200
    page = response.text
    order = re.findall(r'<section aria-labelledby="help-([a-z_]+)" id="for-', page)
    assert order[0] == OWN[who] and sorted(order) == sorted(AccountRole), order
    assert "(your account)" in page.split('id="for-')[1] and page.count("(your account)") == 1
    own = next(guide for guide in GUIDES if guide.role == OWN[who])
    first = page.split('id="for-')[1]
    for task in own.tasks:
        assert f'<a href="{task.href}">{task.link_text}</a>' in first
    # Another role's pages would refuse this reader: their guides explain, without links.
    for other in page.split('id="for-')[2:]:
        assert "<a href=" not in other.split("</section>")[0]
    # Every page leads here: the navigation and the footer.
    assert page.count('href="/help"') >= 2
    # Every link the help itself offers is one this reader may follow.
    main = re.search(r"<main.*?</main>", page, re.S)
    assert main
    for href in set(re.findall(r'href="(/[^"#]*)"', main.group(0))):
        assert client.get(href).status_code == 200, href


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/help", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/help"
