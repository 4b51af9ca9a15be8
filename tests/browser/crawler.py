"""Follow what a page offers (links, sort headers, pagination, GET filter forms, downloads) as one visitor.

Every address is fetched over plain HTTP with the visitor's cookies: its status is what the crawl checks, and
an HTML answer gives the next addresses. Only the first HTML page of each route per account role is opened in
chromium and measured at phone width (a role's own buttons and columns change the width), and axe-core runs on
the first of each route for any role: the template decides both, not which person or course the page shows.
Axe is most of a crawl's time (about 0.9 s a page on a busy machine, where opening one takes 0.15 s), so
running it per role as well tripled the crawl for little: the roles' pages share their markup. Addresses are
deduplicated by the route they reach and the shape of their query, so the crawl stays bounded however many
people, courses or pages the demo holds.
"""

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Signing out ends the crawl's session; every other action is a POST form, which the crawl never sends.
SKIPPED_PATHS = ("/logout", "/static/")
# Two addresses per route and query shape: a second person, course or page of a list, not every one.
SAMPLES_PER_PATTERN = 2
# Where the page is wider than the window, the first elements that stick out, to say what to fix.
WIDEST = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' +
        el.className.trim().split(/\\s+/).join('.') : '') + ' (' + Math.round(box.right) + 'px)');
      if (out.length >= 3) break;
    }
  }
  return {scroll: document.documentElement.scrollWidth, window: width, wide: out};
}"""
AXE = Axe()


@dataclass(frozen=True)
class Problem:
    visitor: str
    kind: str  # "server error", "broken link", "axe", "sideways"
    url: str
    came_from: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.visitor}] {self.kind}: {self.url} (linked from {self.came_from}): {self.detail}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    fetched: int = 0
    html_pages: int = 0
    rendered: int = 0
    axed: int = 0
    routes: set[str] = field(default_factory=set)
    fetch_seconds: float = 0.0
    render_seconds: float = 0.0
    axe_seconds: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (seconds, address) of each rendering


class Offers(HTMLParser):
    """The addresses a page offers: every <a href> and every GET form as submitted with its defaults."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            is_get = a.get("method", "get").lower() == "get"
            self._form = {"action": a.get("action", ""), "fields": []} if is_get else None
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None and (self._select_value is None or "selected" in a):
            self._select_value = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select is not None:
            self._form["fields"].append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields = self._form["action"], self._form["fields"]
            self.links.append(f"{action.split('?')[0] or '?'}?{urlencode(fields)}" if fields else action)
            self._form = None


def offered(html: str) -> list[str]:
    parser = Offers()
    parser.feed(html)
    return parser.links


def query_shape(query: str) -> tuple[str, ...]:
    """The query's keys, each marked empty or set: `?manager=&sort=name` and `?sort=site&manager=`
    have one shape, `?manager=3&sort=name` another (empty values were once a bug of their own)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return tuple(sorted({f"{key}={'' if value == '' else '*'}" for key, value in pairs}))


def serious_violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@dataclass
class Crawler:
    """One visitor's crawl. `route_of` names the route an address reaches (its template, e.g.
    /team/people/{employee_id}), or None where no route matches. `rendered` holds the (route, account role)
    pairs already opened in the browser and `axed` the routes axe-core has checked, both shared by every
    visitor of one crawl."""

    http: httpx.Client
    page: Page
    visitor: str
    role: str
    route_of: Callable[[str], str | None]
    rendered: set[tuple[str, str]]
    axed: set[str]
    max_depth: int = 4
    trace: Callable[[str], None] | None = None  # told of every address as it is checked, to watch a crawl
    report: Report = field(default_factory=Report)

    def crawl(self, start: str = "/") -> Report:
        seen_patterns: dict[tuple[str, tuple[str, ...]], int] = {}
        seen_urls: set[str] = set()
        queue: deque[tuple[str, str, int]] = deque([(start, "the navigation", 0)])
        while queue:
            url, came_from, depth = queue.popleft()
            parts = urlsplit(url)
            route = self.route_of(parts.path) or parts.path
            pattern = (route, query_shape(parts.query))
            if url in seen_urls or seen_patterns.get(pattern, 0) >= SAMPLES_PER_PATTERN:
                continue
            seen_urls.add(url)
            seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
            html = self._fetch(url, route, came_from)
            if html is None or depth >= self.max_depth:
                continue
            for link in offered(html):
                target = self._same_site(url, link)
                if target is not None and target not in seen_urls:
                    queue.append((target, url, depth + 1))
        return self.report

    def _same_site(self, here: str, link: str) -> str | None:
        base = str(self.http.base_url).rstrip("/")
        absolute = urlsplit(urljoin(base + here, link))
        if absolute.scheme not in ("http", "https") or f"{absolute.scheme}://{absolute.netloc}" != base:
            return None
        if absolute.path.startswith(SKIPPED_PATHS):
            return None
        return absolute.path + (f"?{absolute.query}" if absolute.query else "")

    def _problem(self, kind: str, url: str, came_from: str, detail: str) -> None:
        self.report.problems.append(Problem(self.visitor, kind, url, came_from, detail))

    def _fetch(self, url: str, route: str, came_from: str) -> str | None:
        """Check one address; the HTML it answers, for its links, or None."""
        started = time.monotonic()
        response = self.http.get(url, follow_redirects=True)
        self.report.fetch_seconds += time.monotonic() - started
        if self.trace is not None:
            self.trace(f"{self.visitor} {response.status_code} {time.monotonic() - started:.2f}s {url}")
        self.report.fetched += 1
        status = response.status_code
        if status >= 500:
            self._problem("server error", url, came_from, f"{status}")
            return None
        if status >= 400:
            self._problem("broken link", url, came_from, f"{status}: {_message(response.text)}")
            return None
        if not response.headers.get("content-type", "").startswith("text/html"):
            return None
        self.report.html_pages += 1
        self.report.routes.add(route)
        if (route, self.role) not in self.rendered:
            self.rendered.add((route, self.role))
            self._render(url, came_from, run_axe=route not in self.axed)
            self.axed.add(route)
        return response.text

    def _render(self, url: str, came_from: str, run_axe: bool) -> None:
        """Open the page at phone width: any sideways scroll, and axe's serious and critical findings."""
        started = time.monotonic()
        self.page.goto(url)
        if run_axe:
            for violation in serious_violations(self.page):
                self._problem("axe", url, came_from, violation)
            self.report.axed += 1
            self.report.axe_seconds += time.monotonic() - started
        wide = self.page.evaluate(WIDEST)
        if wide is not None:
            detail = f"{wide['scroll']}px wide in a {wide['window']}px window; sticking out: {wide['wide']}"
            self._problem("sideways", url, came_from, detail)
        took = time.monotonic() - started
        self.report.rendered += 1
        self.report.render_seconds += took
        self.report.slowest = sorted([*self.report.slowest, (took, url)], reverse=True)[:3]
        if self.trace is not None:
            self.trace(f"{self.visitor} rendered {took:.2f}s {url}")


def _message(text: str) -> str:
    found = re.search(r'<p class="notice[^"]*"[^>]*>(.*?)</p>', text, re.S)
    return re.sub(r"\s+", " ", found.group(1) if found else text[:200]).strip()
