"""Names are names, in any script: the brief prints Arabic, Hebrew, Chinese, Japanese, Korean and emoji as
written, right-to-left names in their order, and still on one page.

The PDF is read back with poppler's pdftotext (Debian's poppler-utils, installed by `make test-deps`), a
reader that puts right-to-left runs back into their logical order from where the glyphs stand on the page:
a name laid out in the wrong direction comes back reversed. (pypdf, used elsewhere, returns right-to-left
words in page order and misreads the encoding fpdf2 writes for a CFF font such as Noto Sans CJK.)
"""

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from pathways.trackers import brief, brief_fonts, service, views
from pathways.trackers.models import CareerTracker
from tests.trackers.support import user

ARABIC = "سارة الحربي"
HEBREW = "שרה כהן"
CHINESE = "王秀英"
JAPANESE = "佐藤 花子"
KOREAN = "김민지"
EMOJI = ("😀", "🎉")
AND = "\u05d5"  # Hebrew "and", written before the word it joins
# Marks a reader may add around right-to-left runs it has put back in order; they are not text.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdftotext(pdf: bytes) -> str:
    reader = shutil.which("pdftotext")
    assert reader, "poppler-utils is a test dependency: `make test-deps` installs it"
    out = subprocess.run([reader, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(BIDI_MARKS.sub("", out).split())


def left_edges(pdf: bytes, *needles: str) -> list[float]:
    """Where on the first page (x, in points) the text holding each needle starts."""
    found: dict[str, float] = {}

    def visit(text: str, _cm: object, tm: list[float], _font: object, _size: object) -> None:
        for needle in needles:
            if needle in text and needle not in found:
                found[needle] = tm[4]

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert set(found) == set(needles), found
    return [found[needle] for needle in needles]


def squashed(text: str) -> str:
    # Where a right-to-left run meets left-to-right text, pdftotext may put the space between them on the
    # other side of the run (the page has it right); the characters and their order are what is compared.
    return "".join(text.split())


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> list[str]:
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return sorted(str(fonts[key].get_object()["/BaseFont"]) for key in fonts)


def with_names(session: Session, tracker: CareerTracker) -> views.TrackerView:
    alice = user(session, "psr_alice")
    tracker.employee.name = ARABIC
    goals = [
        f"Shadow {HEBREW} at the front desk",
        f"Learn scheduling from {CHINESE}",
        f"Cover the lab with {JAPANESE}",
        f"Teach insurance checks to {KOREAN}",
        f"Celebrate the audit {EMOJI[0]} {EMOJI[1]}",
        f"{HEBREW} {AND}{ARABIC}",  # a goal written wholly right to left
    ]
    for goal in goals:
        service.add_goal(session, tracker, goal, dt.date(2027, 6, 30), alice)
    session.flush()
    return views.build(session, service.get_tracker(session, tracker.id))


def test_names_in_any_script_come_back_as_written(session: Session, tracker: CareerTracker) -> None:
    pdf = brief.brief_pdf(with_names(session, tracker), today=dt.date(2027, 1, 4))
    assert pages(pdf) == 1
    text = pdftotext(pdf)
    # The employee's name opens a sentence of ours, which keeps reading left to right around it.
    assert ARABIC in text
    # The employee's name opens a sentence of ours, which keeps reading left to right around it: on the page
    # the name stands first, at the left, and the employee number after it.
    number = tracker.employee.employee_number
    assert f"{number}), now PSR I. Target role: PSR II" in text
    name_x, number_x = left_edges(pdf, ARABIC.split()[0][:2], number)
    assert name_x < number_x
    for name in (HEBREW, CHINESE, JAPANESE, KOREAN, f"{EMOJI[0]} {EMOJI[1]}", f"{HEBREW} {AND}{ARABIC}"):
        assert name in text, name
    for phrase in (
        f"Shadow {HEBREW} at the front desk - by 2027-06-30",
        f"Learn scheduling from {CHINESE} - by 2027-06-30",
        f"Cover the lab with {JAPANESE} - by 2027-06-30",
        f"Teach insurance checks to {KOREAN} - by 2027-06-30",
        f"Celebrate the audit {EMOJI[0]} {EMOJI[1]} - by 2027-06-30",
        f"{HEBREW} {AND}{ARABIC} - by 2027-06-30",  # a goal written wholly right to left, in its own order
    ):
        assert squashed(phrase) in squashed(text), phrase
    assert "?" not in text, "no character fell back to a question mark"


def test_the_fallback_faces_are_embedded_as_subsets_and_only_when_needed(
    session: Session, tracker: CareerTracker
) -> None:
    latin = brief.brief_pdf(views.build(session, service.get_tracker(session, tracker.id)))
    assert embedded_fonts(latin) == ["/MPDFAA+NotoSans", "/MPDFAA+NotoSansBold"], "a Latin brief is as before"
    mixed = brief.brief_pdf(with_names(session, tracker))
    names = embedded_fonts(mixed)
    assert {"/MPDFAA+FiraGO", "/MPDFAA+NotoSansCJKJP", "/MPDFAA+NotoEmoji"} <= {
        n.split("-")[0] for n in names
    }
    # Noto Sans CJK alone is 16 MB: only the glyphs used are embedded.
    assert len(mixed) < len(latin) + 60_000, len(mixed)


def test_a_crowded_brief_in_many_scripts_is_still_one_page(session: Session, tracker: CareerTracker) -> None:
    alice = user(session, "psr_alice")
    for number in range(30):
        text = (
            f"{number:02d} {HEBREW} {CHINESE} {KOREAN} {ARABIC} " + "practise registration with a mentor " * 4
        )
        service.add_goal(session, tracker, text[:300], dt.date(2027, 3, 1), alice)
    view = views.build(session, service.get_tracker(session, tracker.id))
    pdf = brief.brief_pdf(view)
    assert pages(pdf) == 1
    text = pdftotext(pdf)
    assert "continued in Pathways" in text and f"Every competency gap ({len(view.analysis.gaps)})" in text


def test_without_the_fallback_packages_the_brief_is_still_made(
    session: Session, tracker: CareerTracker
) -> None:
    # Were manimgx-fonts or noto-cjk-sans-jp-regular missing, their faces are simply not there: the names
    # print as plain forms or "?", as before these fonts, and the brief is made all the same.
    bare = dataclasses.replace(brief_fonts.available(), fallbacks=())
    pdf = brief.brief_pdf(with_names(session, tracker), fonts=bare)
    assert pages(pdf) == 1
    text = pdftotext(pdf)
    assert "Shadow ??? ??? at the front desk" in text and "Celebrate the audit ? ?" in text
    assert embedded_fonts(pdf) == ["/MPDFAA+NotoSans", "/MPDFAA+NotoSansBold"]


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Zoë → 😀", "Zoë -> 😀"),  # an arrow in the main font's plain form, not from a fallback face
        ("A\U000e0041B\U000e0100", "AB"),  # a tag and a variation selector no face has print as nothing
        ("\u0531 \u13a0", "\u0531 ?"),  # Armenian has a face; Cherokee has none
    ],
)
def test_what_each_character_is_printed_as(text: str, printed: str) -> None:
    fonts = brief_fonts.available()
    assert fonts.printable(text) == printed
