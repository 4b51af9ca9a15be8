"""The fonts the brief is set in, and the text they can print.

Noto Sans (Latin with Vietnamese, Greek, Cyrillic) comes from the pymupdf-fonts package, a dependency, so
it is there wherever Pathways is installed. Its fonts ship compressed inside Python modules, and fpdf2
reads fonts from files, so they are written once per process to a private temporary folder. A system font
is the next choice, and the built-in Latin-1 Helvetica the last.

Names are names, in any script: a character Noto Sans lacks is printed from a fallback face, each also a
dependency from PyPI, so a fresh clone prints them without any system package: FiraGO (pymupdf-fonts:
Arabic, Hebrew, Devanagari, Thai, Georgian), Noto Sans CJK JP (noto-cjk-sans-jp-regular:
Chinese, Japanese, Korean), and Noto Emoji with Noto Sans for the other scripts of India and South-east
Asia, Armenian and Ethiopic (manimgx-fonts). A face is added to a brief only when its text needs it, and
fpdf2 embeds only the glyphs used (a subset), so a Latin brief costs what it did. Where a fallback package
is missing, its characters fall back as before: a character no font has is printed as its nearest plain
form (ễ as e under Latin-1, → as ->), else as "?", never as an empty box; an invisible one (a joiner, a
variation selector, a direction mark) no font has is left out.
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
# Tables a PDF never uses, deleted before fpdf2 subsets a font for embedding: fpdf2 drops the layout tables
# after reading them (Noto Sans CJK's take most of its subsetting time), and without the variation tables a
# variable font is its default, regular instance, which is what the brief prints. Shaping reads the font
# file itself, not this copy.
UNEMBEDDED_TABLES = (
    "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "meta", "vhea", "vmtx", "VORG",
    "fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT",
)  # fmt: skip
# Emoji before the symbol fonts, so a heart is an emoji; the script faces in name order after that.
MANIMGX_FIRST = ("NotoEmoji",)
MANIMGX_SKIPPED = ("NotoSans[", "NotoSans-Italic")  # Noto Sans itself is the main font already
UNSHAPED = ("CJK", "NotoEmoji", "NotoSansSymbols")  # faces whose text is set glyph by glyph
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


@dataclass(frozen=True, eq=False)  # one object per face and process: compared by identity
class Face:
    """A fallback font: what the main font lacks is printed in the first face that has it."""

    family: str
    path: Path  # regular weight only: names and notes are never bold, and bold falls back to it
    covered: frozenset[int] = field(repr=False)
    shaped: bool = True  # its scripts join or reorder (Arabic, Hebrew, Indic); CJK and emoji need no shaping


@dataclass(frozen=True)
class Fonts:
    regular: Path | None  # None: the built-in Helvetica
    bold: Path | None
    covered: frozenset[int] = field(repr=False)
    fallbacks: tuple[Face, ...] = ()

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

    def install_face(self, pdf: Any, face: Face, *, trial: bool = False) -> None:
        if trial:
            _share(pdf, face.path, "", face.family)
        else:
            pdf.add_font(face.family, "", face.path)

    def own_copies(self, pdf: Any) -> None:
        """Give a trial render fonts of its own, so that it can be written out after all: writing subsets
        the font in place, which must not happen to the shared one."""
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

        faces = [(FAMILY, "", self.regular), (FAMILY, "B", self.bold)]
        faces += [(face.family, "", face.path) for face in self.fallbacks]
        for family, style, path in faces:
            font = pdf.fonts.get(f"{family.lower()}{style}")
            if font is not None and path is not None:
                font.ttfont = TTFont(path, recalcTimestamp=False, lazy=True)
                for tag in UNEMBEDDED_TABLES:
                    if tag in font.ttfont:
                        del font.ttfont[tag]

    def needs_shaping(self, text: str) -> bool:
        covered = self.covered
        for ch in text:
            if ord(ch) not in covered and (face := self.fallback(ord(ch))) is not None and face.shaped:
                return True
        return False

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
            return replacement  # → as -> in the main font, rather than a whole CJK font for an arrow
        if self.fallback(ord(ch)) is not None:
            return ch
        if unicodedata.category(ch) == "Cf" or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
            return ""  # invisible (a joiner, a direction mark, a variation selector): nothing to print
        plain = "".join(
            c
            for c in unicodedata.normalize("NFKD", ch)
            if ord(c) in self.covered and not unicodedata.combining(c)
        )
        return plain or "?"

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - as above
    def fallback(self, code: int) -> Face | None:
        return next((face for face in self.fallbacks if code in face.covered), None)


BUILT_IN = Fonts(None, None, LATIN1)


@functools.lru_cache(maxsize=64)
def _parsed(path: Path, style: str, family: str) -> Any:
    holder = FPDF()
    holder.add_font(family, style, path)
    return holder.fonts[f"{family.lower()}{style}"]


def _share(pdf: Any, path: Path, style: str, family: str = FAMILY) -> None:
    # The parsed font is shared; what a document tracks of its own use of it is fresh. Writing a PDF subsets
    # the font in place, which is why only trial renders, never written, may share it.
    font = copy.copy(_parsed(path, style, family))
    font.i = len(pdf.fonts) + 1
    font.subset = SubsetMap(font)
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    pdf.fonts[f"{family.lower()}{style}"] = font


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


@functools.cache
def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="pathways-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _pymupdf_font(name: str, file: str) -> Path | None:
    try:
        package = importlib.import_module("pymupdf_fonts")
    except ImportError:
        return None
    path = _folder() / file
    path.parent.mkdir(exist_ok=True)  # again, if something cleaned the temporary folder meanwhile
    path.write_bytes(package.myfont(name))
    return path


def packaged() -> tuple[Path, Path] | None:
    regular, bold = (
        _pymupdf_font("notos", "NotoSans-Regular.ttf"),
        _pymupdf_font("notosbo", "NotoSans-Bold.ttf"),
    )
    return (regular, bold) if regular and bold else None


def _package_folder(name: str) -> Path | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return Path(str(module.__file__)).parent


def fallback_faces() -> tuple[Face, ...]:
    """The fallback faces that are installed, in the order they are tried; a missing one is skipped."""
    found: list[tuple[str, Path]] = []
    firago = _pymupdf_font("figo", "FiraGO-Regular.ttf")
    if firago is not None:
        found.append(("Pathways FiraGO", firago))
    cjk = _package_folder("noto_cjk_sans_jp_regular")
    if cjk is not None and (cjk / "NotoSansCJKjp-Regular.otf").is_file():
        found.append(("Pathways CJK", cjk / "NotoSansCJKjp-Regular.otf"))
    noto = _package_folder("manimgx_fonts")
    if noto is not None:
        files = sorted(noto.glob("*.ttf"), key=lambda p: (not p.name.startswith(MANIMGX_FIRST), p.name))
        for path in files:
            if not path.name.startswith(MANIMGX_SKIPPED):
                found.append((f"Pathways {path.name.split('[')[0]}", path))
    faces = []
    for family, path in found:
        try:
            faces.append(Face(family, path, coverage(path), shaped=not family.endswith(UNSHAPED)))
        except Exception:  # noqa: S112 - a broken font is left out, never a failed brief
            continue
    return tuple(faces)


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
                return Fonts(*paths, coverage(*paths), fallback_faces())
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
