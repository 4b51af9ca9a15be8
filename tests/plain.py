"""What a person reads on a page, for tests that keep codes, raw level numbers, JSON and seeds off it.

Issue 15: people read names, never codes or level numbers."""

import re
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.careers.models import Role
from pathways.competencies.models import Competency

LEVEL_NAMES = ("Not yet shown", "Learning", "Practicing", "Proficient", "Role model")
# "level 3", "Level 2+", "levels 0 to 4", "0-4" (any dash): a level as a number, which nobody should decode.
RAW_LEVEL = re.compile(r"\blevels?\s+\d|\b0\s*(?:\u2013|-|to)\s*4\b", re.IGNORECASE)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self, skip_class: str | None) -> None:
        super().__init__()
        self.skip_class = skip_class
        self.stack: list[tuple[str, bool]] = []  # tag, hidden from the reader (script, style, skipped)
        self.parts: list[str] = []
        self.cells: list[str] = []  # the text of every table cell, in order
        self._cell: list[str] | None = None

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = tag in ("script", "style", "template") or (
            self.skip_class in classes if self.skip_class else False
        )
        self.stack.append((tag, hidden))
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._hidden():
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read(html: str, skip_class: str | None = None) -> _Reader:
    reader = _Reader(skip_class)
    reader.feed(html)
    return reader


def visible_text(html: str, skip_class: str | None = None) -> str:
    """The page's text as a person reads it: no markup, attributes, scripts or styles."""
    return " ".join(" ".join(read(html, skip_class).parts).split())


def main_text(html: str, skip_class: str | None = None) -> str:
    """The page's own content, without the site navigation and footer that other work changes."""
    start = html.find("<main")
    end = html.find("</main>")
    return visible_text(html[start:end] if start >= 0 and end > start else html, skip_class)


def hyphenated_codes(session: Session) -> set[str]:
    """Role and competency codes no word of prose looks like ("psr-2", "registration-accuracy")."""
    codes = set(session.scalars(select(Role.code))) | set(session.scalars(select(Competency.code)))
    return {code for code in codes if "-" in code}


def codes_shown(text: str, codes: set[str]) -> list[str]:
    return sorted(code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text))


def raw_levels(text: str) -> list[str]:
    return RAW_LEVEL.findall(text)
