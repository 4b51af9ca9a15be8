"""Follow what a page offers (links, sort headers, pagination, GET filter forms, downloads) as one visitor.

Each address is fetched with the browser context's own request client (the visitor's cookies, no rendering);
an HTML answer is then opened in the page to run axe-core and to measure it at phone width. Addresses are
deduplicated by the route they reach and their query keys, so the crawl stays bounded however many people,
courses or pages the demo holds.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

# Signing out ends the crawl's session; every other action is a POST form, which the crawl never sends.
SKIPPED_PATHS = ("/logout", "/static/")
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
    sideways: set[str] = field(default_factory=set)


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


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@dataclass
class Crawler:
    """One visitor's crawl. `route_of` names the route an address reaches (its template, e.g.
    /team/people/{employee_id}), or None where no route matches."""

    context: BrowserContext
    base_url: str
    visitor: str
    route_of: Any
    max_depth: int = 4
    report: Report = field(default_factory=Report)

    def crawl(self, start: str = "/") -> Report:
        page = self.context.new_page()
        page.set_default_timeout(15_000)
        seen_patterns: dict[tuple[str, tuple[str, ...]], int] = {}
        seen_urls: set[str] = set()
        queue: deque[tuple[str, str, int]] = deque([(start, "the navigation", 0)])
        while queue:
            url, came_from, depth = queue.popleft()
            parts = urlsplit(url)
            keys = tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))
            pattern = (self.route_of(parts.path) or parts.path, keys)
            if url in seen_urls or seen_patterns.get(pattern, 0) >= SAMPLES_PER_PATTERN:
                continue
            seen_urls.add(url)
            seen_patterns[pattern] = seen_patterns.get(pattern, 0) + 1
            html = self._fetch(page, url, came_from)
            if html is None or depth >= self.max_depth:
                continue
            for link in offered(html):
                target = self._same_site(url, link)
                if target is not None and target not in seen_urls:
                    queue.append((target, url, depth + 1))
        page.close()
        return self.report

    def _same_site(self, here: str, link: str) -> str | None:
        absolute = urlsplit(urljoin(self.base_url + here, link))
        if (
            absolute.scheme not in ("http", "https")
            or f"{absolute.scheme}://{absolute.netloc}" != self.base_url
        ):
            return None
        if absolute.path.startswith(SKIPPED_PATHS):
            return None
        return absolute.path + (f"?{absolute.query}" if absolute.query else "")

    def _problem(self, kind: str, url: str, came_from: str, detail: str) -> None:
        self.report.problems.append(Problem(self.visitor, kind, url, came_from, detail))

    def _fetch(self, page: Page, url: str, came_from: str) -> str | None:
        """Check one address; the HTML it answers, for its links, or None."""
        response = self.context.request.get(url, max_redirects=5)
        self.report.fetched += 1
        status = response.status
        if status >= 500:
            self._problem("server error", url, came_from, f"{status}")
            return None
        if status >= 400:
            self._problem("broken link", url, came_from, f"{status}: {_message(response.text())}")
            return None
        if not response.headers.get("content-type", "").startswith("text/html"):
            return None
        html = response.text()
        self.report.html_pages += 1
        page.goto(url)
        for violation in serious_violations(page):
            self._problem("axe", page.url, came_from, violation)
        wide = page.evaluate(WIDEST)
        if wide is not None:
            self.report.sideways.add(f"{self.visitor} {url}")
            detail = f"{wide['scroll']}px wide in a {wide['window']}px window; sticking out: {wide['wide']}"
            self._problem("sideways", url, came_from, detail)
        return html


def _message(text: str) -> str:
    found = re.search(r'<p class="notice[^"]*"[^>]*>(.*?)</p>', text, re.S)
    return re.sub(r"\s+", " ", found.group(1) if found else text[:200]).strip()
