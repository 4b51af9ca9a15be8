"""Every page a visitor can reach answers, passes axe-core and fits a phone, for each demo account.

The crawl signs in as each demo account (and visits as nobody), follows every same-site link, sort header,
pagination link, GET filter form and download reachable from the navigation, and fails on any 5xx, any 4xx on
an address a page offered, any serious or critical axe violation and any page that scrolls sideways at
390 x 844, naming the page and the one that led there.

It runs on SQLite only: it tests what pages render and offer, which the backend does not change, and every
route's queries already run on both backends in the domain tests. Addresses are checked over plain HTTP;
chromium opens one page per route and account role, and axe-core checks one per route (see
tests/browser/crawler.py).
"""

import os
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Browser

from pathways.app import create_app
from pathways.config import Settings
from pathways.demo.small import ADMIN, NAMED
from pathways.middleware import walk
from tests.browser.conftest import _free_port
from tests.browser.crawler import Crawler, Report, offered, query_shape
from tests.conftest import build_database
from tests.helpers import sign_in

# PATHWAYS_CRAWL_TRACE=1 prints every address as the crawl checks it (with `pytest -s`).
TRACE = (lambda line: print(line, flush=True)) if os.environ.get("PATHWAYS_CRAWL_TRACE") else None
PHONE = {"width": 390, "height": 844}
# Every named demo account, by the account role that decides what it sees, and a visitor signed in as nobody.
VISITORS: list[tuple[str | None, str]] = [
    (None, "anonymous"),
    *((person.key, str(person.account)) for person in NAMED if person.account is not None),
    (ADMIN[0], "admin"),
]


def route_finder(routes: list[object]) -> Callable[[str], str | None]:
    patterns = [(route.path_regex, route.path) for route in walk(routes)]

    def route_of(path: str) -> str | None:
        return next((template for regex, template in patterns if regex.match(path)), None)

    return route_of


@pytest.fixture(scope="module")
def crawl_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Callable[[str], str | None]]]:
    """A live server of its own: the crawl signs in, which writes, so it shares no database."""
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
    browser: Browser,
    base_url: str,
    route_of: Callable[[str], str | None],
    who: str | None,
    role: str,
    rendered: set[tuple[str, str]],
    axed: set[str],
) -> Report:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        if who is not None:
            sign_in(http, who)
        context = browser.new_context(base_url=base_url, viewport=PHONE)
        try:
            context.add_cookies(
                [{"name": c.name, "value": c.value or "", "url": base_url} for c in http.cookies.jar]
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            crawler = Crawler(http, page, who or "anonymous", role, route_of, rendered, axed, trace=TRACE)
            return crawler.crawl("/")
        finally:
            context.close()


@pytest.mark.browser
def test_every_reachable_page_answers_passes_axe_and_fits_a_phone(
    browser: Browser, crawl_server: tuple[str, Callable[[str], str | None]]
) -> None:
    base_url, route_of = crawl_server
    started = time.monotonic()
    rendered: set[tuple[str, str]] = set()
    axed: set[str] = set()
    problems, summary = [], []
    for who, role in VISITORS:
        report = crawl_as(browser, base_url, route_of, who, role, rendered, axed)
        problems += report.problems
        summary.append(
            f"{who or 'anonymous'} ({role}): {report.fetched} addresses, {report.html_pages} HTML pages on "
            f"{len(report.routes)} routes, {report.rendered} opened in chromium, "
            f"{report.axed} checked by axe; HTTP {report.fetch_seconds:.1f} s, "
            f"chromium {report.render_seconds:.1f} s "
            f"(axe {report.axe_seconds:.1f} s); slowest "
            + ", ".join(f"{url} {seconds:.1f} s" for seconds, url in report.slowest)
        )
        if who is not None:
            # A signed-in visitor reaches well past the sign-in page, so a quiet report means something.
            assert len(report.routes) >= 10, f"{who} reached only {sorted(report.routes)}"
    print("\n".join([*summary, f"crawl: {time.monotonic() - started:.0f} s"]))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(str, problems))


def test_the_crawl_knows_a_person_page_by_its_route_not_its_address(
    crawl_server: tuple[str, Callable[[str], str | None]],
) -> None:
    _, route_of = crawl_server
    assert route_of("/team/people/4") == route_of("/team/people/17") == "/team/people/{employee_id}"
    assert route_of("/nowhere/at/all") is None


def test_offers_reads_links_and_get_forms_as_a_browser_submits_them() -> None:
    html = """<a href="/team?sort=name">Name</a>
    <form method="get" action="/team"><input name="q" value="al">
    <select name="site"><option value="">Any</option><option value="NV" selected>NV</option></select>
    <input type="checkbox" name="only"><button>Go</button></form>
    <form method="post" action="/logout"><input name="csrf_token" value="x"></form>"""
    assert offered(html) == ["/team?sort=name", "/team?q=al&site=NV"]


def test_query_shape_tells_empty_values_from_set_ones_in_any_order() -> None:
    assert query_shape("manager=&sort=name") == query_shape("sort=site&manager=")
    assert query_shape("manager=3&sort=name") != query_shape("manager=&sort=name")
