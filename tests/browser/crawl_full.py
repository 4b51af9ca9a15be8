"""Every page a visitor can reach answers, passes axe-core and fits a phone, for each demo account.

The crawl signs in as each demo account (and visits as nobody), follows every same-site link, sort header,
pagination link, GET filter form and download reachable from the navigation, and opens each HTML page at
390 x 844. Any 5xx, any 4xx on an address a page offered, any serious or critical axe violation and any page
that scrolls sideways fails the test, naming the page and the one that led there.

Not yet in `make test` (the name keeps pytest from collecting it): on SQLite alone it ran past 15 minutes
(axe on every page of every visitor). Run it by name: `pytest tests/browser/crawl_full.py`.
"""

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn
from fastapi.routing import APIRoute
from playwright.sync_api import Browser
from starlette.routing import Route

from pathways.app import create_app
from pathways.config import Settings
from tests.browser.conftest import _free_port, sign_in
from tests.browser.crawler import Crawler, Report
from tests.conftest import BACKENDS, build_database

pytestmark = pytest.mark.browser
VISITORS = [None, "psr_alice", "lead_bea", "sup_carl", "trainer_tina", "admin_ada", "outsider_dan", "sup_sam"]
PHONE = {"width": 390, "height": 844}


def route_finder(routes: list[object]) -> Callable[[str], str | None]:
    patterns = [(route.path_regex, route.path) for route in routes if isinstance(route, APIRoute | Route)]

    def route_of(path: str) -> str | None:
        return next((template for regex, template in patterns if regex.match(path)), None)

    return route_of


@pytest.fixture(scope="module", params=BACKENDS)
def crawl_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Callable[[str], str | None]]]:
    """A live server of its own: the crawl signs in, which writes, so it shares no database."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_cluster").create_database("pathways_crawl")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'pathways.db'}"
    database = build_database(url)
    app = create_app(Settings(database_url=url, environment="test", secret_key="crawl-secret"), database)
    server = uvicorn.Server(uvicorn.Config(app, port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the crawl's server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}", route_finder(app.routes)
    server.should_exit = True
    thread.join(timeout=10)
    database.engine.dispose()


def crawl_as(
    browser: Browser, base_url: str, route_of: Callable[[str], str | None], who: str | None
) -> Report:
    context = browser.new_context(base_url=base_url, viewport=PHONE)
    try:
        if who is not None:
            page = context.new_page()
            sign_in(page, who)
            page.close()
        return Crawler(context, base_url, who or "anonymous", route_of).crawl("/")
    finally:
        context.close()


def test_every_reachable_page_answers_passes_axe_and_fits_a_phone(
    browser: Browser, crawl_server: tuple[str, Callable[[str], str | None]]
) -> None:
    base_url, route_of = crawl_server
    started = time.monotonic()
    problems, fetched, pages, sideways = [], 0, 0, set()
    for who in VISITORS:
        report = crawl_as(browser, base_url, route_of, who)
        problems += report.problems
        fetched, pages, sideways = (
            fetched + report.fetched,
            pages + report.html_pages,
            sideways | report.sideways,
        )
    took = time.monotonic() - started
    print(f"crawl: {fetched} addresses, {pages} HTML pages, {len(sideways)} scrolled sideways, {took:.0f} s")
    # The crawl reached the places each role works in, so a quiet report means something.
    assert pages >= 100, f"only {pages} pages reached"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(str, problems))
