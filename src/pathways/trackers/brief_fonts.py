"""The fonts the brief is set in, and the text they can print.

Noto Sans (Latin with Vietnamese, Greek, Cyrillic) comes from the pymupdf-fonts package, a dependency, so
it is there wherever Pathways is installed. Its fonts ship compressed inside Python modules, and fpdf2
reads fonts from files, so they are written once per process to a private temporary folder. A system font
is the next choice, and the built-in Latin-1 Helvetica the last. A character the chosen font lacks is
printed as its nearest plain form (ễ as e under Latin-1, → as ->), else as "?": never as an empty box.
"""

import atexit
import copy
import functools
import importlib
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import SubsetMap

FAMILY = "Pathways Sans"
TRUETYPE = "/usr/share/fonts/truetype"
SYSTEM_FONTS = (
    (f"{TRUETYPE}/noto/NotoSans-Regular.ttf", f"{TRUETYPE}/noto/NotoSans-Bold.ttf"),
    (f"{TRUETYPE}/dejavu/DejaVuSans.ttf", f"{TRUETYPE}/dejavu/DejaVuSans-Bold.ttf"),
    (f"{TRUETYPE}/liberation/LiberationSans-Regular.ttf", f"{TRUETYPE}/liberation/LiberationSans-Bold.ttf"),
)
LATIN1 = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))
REPLACEMENTS = {
    "\u2192": "->",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
}


@dataclass(frozen=True)
class Fonts:
    regular: Path | None  # None: the built-in Helvetica
    bold: Path | None
    covered: frozenset[int] = field(repr=False)

    @property
    def unicode(self) -> bool:
        return self.regular is not None

    def install(self, pdf: Any, *, trial: bool = False) -> str:
        """Add the fonts to a document. A trial render (measured for fit, never written out) shares fonts
        parsed once per process: parsing them is most of a render's time, and fitting takes several."""
        if self.regular is None or self.bold is None:
            return "Helvetica"
        for style, path in (("", self.regular), ("B", self.bold)):
            if trial:
                _share(pdf, path, style)
            else:
                pdf.add_font(FAMILY, style, path)
        return FAMILY

    def own_copies(self, pdf: Any) -> None:
        """Give a trial render fonts of its own, so that it can be written out after all: writing subsets
        the font in place, which must not happen to the shared one."""
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

        for style, path in (("", self.regular), ("B", self.bold)):
            font = pdf.fonts.get(f"{FAMILY.lower()}{style}")
            if font is not None and path is not None:
                font.ttfont = TTFont(path, recalcTimestamp=False, lazy=True)

    def printable(self, text: str) -> str:
        return "".join(self.character(ch) for ch in text)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - a handful of Fonts live for the whole process
    def character(self, ch: str) -> str:
        if ch in "\n" or ord(ch) in self.covered:
            return ch
        if ch == "\t":
            return " "
        replacement = REPLACEMENTS.get(ch)
        if replacement is not None and all(ord(c) in self.covered for c in replacement):
            return replacement
        plain = "".join(
            c
            for c in unicodedata.normalize("NFKD", ch)
            if ord(c) in self.covered and not unicodedata.combining(c)
        )
        return plain or "?"


BUILT_IN = Fonts(None, None, LATIN1)


@functools.lru_cache(maxsize=4)
def _parsed(path: Path, style: str) -> Any:
    holder = FPDF()
    holder.add_font(FAMILY, style, path)
    return holder.fonts[f"{FAMILY.lower()}{style}"]


def _share(pdf: Any, path: Path, style: str) -> None:
    # The parsed font is shared; what a document tracks of its own use of it is fresh. Writing a PDF subsets
    # the font in place, which is why only trial renders, never written, may share it.
    font = copy.copy(_parsed(path, style))
    font.i = len(pdf.fonts) + 1
    font.subset = SubsetMap(font)
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    pdf.fonts[f"{FAMILY.lower()}{style}"] = font


def coverage(*paths: Path) -> frozenset[int]:
    # fpdf2's own dependency, untyped; only needed with an embedded font.
    from fontTools.ttLib import TTFont

    sets = []
    for path in paths:
        font = TTFont(path, lazy=True)
        try:
            sets.append(frozenset(font.getBestCmap()))
        finally:
            font.close()
    return frozenset.intersection(*sets)


def packaged() -> tuple[Path, Path] | None:
    try:
        package = importlib.import_module("pymupdf_fonts")
    except ImportError:
        return None
    folder = Path(tempfile.mkdtemp(prefix="pathways-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    regular, bold = folder / "NotoSans-Regular.ttf", folder / "NotoSans-Bold.ttf"
    regular.write_bytes(package.myfont("notos"))
    bold.write_bytes(package.myfont("notosbo"))
    return regular, bold


def system() -> tuple[Path, Path] | None:
    for regular, bold in SYSTEM_FONTS:
        if Path(regular).is_file() and Path(bold).is_file():
            return Path(regular), Path(bold)
    return None


@functools.cache
def find() -> Fonts:
    for source in (packaged, system):
        try:
            paths = source()
            if paths is not None:
                return Fonts(*paths, coverage(*paths))
        except Exception:  # noqa: S112 - a broken font means the next choice, never a failed brief
            continue
    return BUILT_IN


def available() -> Fonts:
    fonts = find()
    if fonts.regular is not None and not (fonts.regular.is_file() and fonts.bold and fonts.bold.is_file()):
        # Something cleaned the temporary folder while the server ran: write the fonts again.
        find.cache_clear()
        fonts = find()
    return fonts
