"""The one-page brief an employee brings to a career conversation (fpdf2).

It is always one page. The font steps down first; if the smallest size still runs over, the free text
(goals, questions, course lists) is cut, each cut marked "… (continued in Pathways)" with the tracker's
address. Gaps are the point of the brief: every one is listed at every step.

Names are printed as written, in any script (Nguyễn, Ελένη, سارة, שרה, 王秀英, 佐藤, 김민지, and emoji), with
Noto Sans and the fallback faces of brief_fonts.py, embedded as subsets; only without them does the text fall
back to Latin-1, transliterated. Text that needs a fallback face is shaped with HarfBuzz (uharfbuzz), which
joins Arabic letters, and laid out with fpdf2's Unicode bidirectional algorithm, so right-to-left names read
in their order; a name inside one of our sentences is set apart as an isolate so that it cannot turn the
sentence around.
"""

import datetime as dt
import importlib.util
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pathways.trackers import brief_fonts
from pathways.trackers.views import TrackerView

SIZES = (9.5, 8.5, 7.5, 6.5, 6)
# Without HarfBuzz the glyphs still print, in the order written: Arabic unjoined, right-to-left runs reversed.
SHAPING = importlib.util.find_spec("uharfbuzz") is not None
RIGHT_TO_LEFT = frozenset(("R", "AL"))
CONTINUED = "\u2026 (continued in Pathways)"
# fontTools reports, while subsetting, tables it leaves out of the embedded font; that is expected.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Fit:
    """How much free text the brief shows; None is all of it."""

    chars: int | None = None  # of one goal or one line of the plan
    questions: int | None = None  # of the questions for the manager
    items: int | None = None  # goals, plan lines and courses done listed
    source: int | None = None  # of where a current level comes from


EVERYTHING = Fit()
# Tried in turn at the smallest size; the last shows counts only, and still every gap.
CUTS = (
    Fit(200, 1500, 15),
    Fit(120, 800, 10),
    Fit(80, 400, 6),
    Fit(60, 200, 3, 60),
    Fit(40, 80, 1, 40),
    Fit(0, 0, 0, 30),
)
STAGES: tuple[tuple[float, Fit], ...] = (
    *((size, EVERYTHING) for size in SIZES),
    *((SIZES[-1], fit) for fit in CUTS[:-1]),
    (SIZES[-1], CUTS[-1]),
)


def isolated(text: str) -> str:
    """A name or a note inside one of our sentences, kept whole: if it has right-to-left letters it is set
    apart (FSI ... PDI, Unicode's isolates) so that it neither turns the sentence around nor pulls the
    brackets and numbers beside it into its own direction."""
    if text.isascii() or not any(unicodedata.bidirectional(ch) in RIGHT_TO_LEFT for ch in text):
        return text
    return f"\u2068{text}\u2069"


def cut(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[:limit].rstrip() + " " + CONTINUED if limit else CONTINUED.lstrip("\u2026 ")


def first(items: list[str], limit: int | None, what: str) -> list[str]:
    if limit is None or len(items) <= limit:
        return items
    rest = len(items) - limit
    return [
        *items[:limit],
        f"\u2026 and {rest} more {what}{'' if rest == 1 else 's'} (continued in Pathways)",
    ]


class Brief(FPDF):
    def __init__(self, size: float, fonts: brief_fonts.Fonts, trial: bool = False) -> None:
        super().__init__(format="A4")
        self.size = size
        self.fonts_used = fonts
        self.trial = trial
        self.faces: list[brief_fonts.Face] = []  # the fallback faces this document has needed so far
        self.family = fonts.install(self, trial=trial)
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(True, margin=12)
        self.set_title("Career conversation brief")
        self.set_creator("Pathways")
        self.add_page()

    def line_height(self) -> float:
        return self.size * 0.5

    def text_of(self, text: str) -> str:
        printable = self.fonts_used.printable(text)
        if not printable.isascii():
            self.add_faces_for(printable)
        return printable

    def add_faces_for(self, text: str) -> None:
        """Add the fallback faces this text needs, before it is written: a face no text needs is never added,
        so a Latin brief embeds Noto Sans alone."""
        fonts = self.fonts_used
        needed = {fonts.fallback(ord(ch)) for ch in set(text) if ord(ch) not in fonts.covered}
        new = [face for face in fonts.fallbacks if face in needed and face not in self.faces]
        if not new:
            return
        for face in new:
            fonts.install_face(self, face, trial=self.trial)
        self.faces = [face for face in fonts.fallbacks if face in needed or face in self.faces]
        # A bold word in a script that has no bold face is printed in its regular face.
        self.set_fallback_fonts([face.family for face in self.faces], exact_match=False)

    def shape_for(self, *texts: str) -> None:
        """Shaping (and with it the bidirectional layout) for the text about to be written if it needs it,
        and not otherwise: shaping measures every word through HarfBuzz, several times slower."""
        wanted = SHAPING and any(not t.isascii() and self.fonts_used.needs_shaping(t) for t in texts)
        if wanted != bool(self.text_shaping):
            self.set_text_shaping(wanted)

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.set_font(self.family, "B", self.size + 1.5)
        printable = self.text_of(text)
        self.shape_for(printable)
        self.cell(0, self.line_height() + 1, printable, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family, "", self.size)

    def para(self, text: str, style: str = "") -> None:
        self.set_font(self.family, style, self.size)
        printable = self.text_of(text)
        self.shape_for(printable)
        self.multi_cell(0, self.line_height(), printable, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: list[str], empty: str) -> None:
        for item in items or [empty]:
            self.para(f"- {item}" if items else empty)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: tuple[int, ...]) -> None:
        self.set_font(self.family, "", self.size)
        cells = [[self.text_of(h) for h in header]] + [[self.text_of(v) for v in values] for values in rows]
        self.shape_for(*(cell for row in cells for cell in row))  # a table is laid out as a whole, at its end
        with self.table(col_widths=widths, line_height=self.line_height() + 0.5, padding=0.6) as table:
            for row in cells:
                table.row(row)


def render(
    view: TrackerView, size: float, today: dt.date, fit: Fit, fonts: brief_fonts.Fonts, trial: bool = False
) -> Brief:
    tracker, analysis = view.tracker, view.analysis
    readiness = analysis.readiness
    pdf = Brief(size, fonts, trial)
    pdf.set_font(pdf.family, "B", size + 6)
    pdf.cell(0, size * 0.8, "Career conversation brief", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(
        f"{isolated(tracker.employee.name)} ({tracker.employee.employee_number}), "
        f"now {analysis.time_in_role.current_role}. "
        f"Target role: {tracker.role.name}. Prepared {today.isoformat()} from Pathways, tracker revision "
        f"{tracker.revision}."
    )
    if fit != EVERYTHING:
        pdf.para(
            f"Some text is cut to fit one page; all of it is in Pathways at /trackers/{tracker.id}.", "B"
        )
    pdf.heading("Readiness")
    pdf.para(
        f"Proportional: {readiness.percent}% ({readiness.reached} of {readiness.required} required levels "
        "reached, each competency counted up to its required level)."
    )
    pdf.para(f"Fully met: {readiness.met} of {readiness.count} competencies at or above the required level.")
    pdf.para(f"Time in role: {analysis.time_in_role.message}")
    certs = [f"{c.name} ({'held' if c.held else 'not held'})" for c in analysis.certifications if c.required]
    pdf.para("Required certifications: " + ("; ".join(certs) if certs else "none."))
    courses = [
        f"{c.code} ({'done' if c.completed else c.planned_quarter or 'not planned'})"
        for c in analysis.required_courses
    ]
    pdf.para("Required courses: " + (", ".join(courses) if courses else "none."))

    pdf.heading(f"Every competency gap ({len(analysis.gaps)})")
    if analysis.gaps:
        rows = [
            (
                g.name,
                str(g.required),
                str(g.current),
                isolated(cut(g.basis_text, fit.source)),
                str(g.self_rating or "-"),
                str(g.manager_rating or "-"),
                str(g.gap),
            )
            for g in analysis.gaps
        ]
        pdf.grid(
            ("Competency", "Required", "Current", "Current level from", "Self", "Manager", "Gap"),
            rows,
            (46, 16, 15, 58, 12, 17, 10),
        )
    else:
        pdf.para("No gaps: every competency is at or above the level the role requires.")

    pdf.heading("Courses done")
    done = [f"{d.code} {d.title} ({d.completed_at.isoformat()})" for d in view.done]
    pdf.para(", ".join(first(done, fit.items, "course")) or "None yet that count towards this role.")
    pdf.heading("Courses planned")
    planned = [
        cut(
            f"{quarter}: " + ", ".join(f"{i.course.code} {i.course.title} ({view.status(i)})" for i in items),
            fit.chars,
        )
        for quarter, items in view.plan_by_quarter
    ]
    pdf.bullets(first(planned, fit.items, "quarter"), "No courses planned yet.")
    pdf.heading("Goals")
    goals = [
        isolated(cut(g.text, fit.chars))
        + (f" - by {g.target_date.isoformat()}" if g.target_date else "")
        + (" (done)" if g.done else "")
        for g in tracker.goals
    ]
    pdf.bullets(first(goals, fit.items, "goal"), "No goals set yet.")
    pdf.heading("My questions for my manager")
    pdf.para(cut(questions(view), fit.questions) or "No questions written yet.")
    return pdf


def questions(view: TrackerView) -> str:
    asked = [c for c in view.tracker.conversations if c.questions]
    open_ones = [c for c in asked if c.status == "requested"]
    chosen = open_ones or asked
    return chosen[-1].questions if chosen else ""


def brief_pdf(
    view: TrackerView, today: dt.date | None = None, fonts: brief_fonts.Fonts | None = None
) -> bytes:
    today = today or dt.date.today()
    fonts = fonts or brief_fonts.available()

    tried: dict[int, Brief] = {}

    def fits(stage: int) -> bool:
        size, fit = STAGES[stage]
        tried[stage] = render(view, size, today, fit, fonts, trial=True)
        return tried[stage].page_no() == 1

    if fits(0):
        chosen = 0
    elif fits(1):
        chosen = 1  # most briefs that overflow fit one size smaller, so that is tried next
    else:
        # Each stage shows no more than the one before, so the first that fits is found by bisection; the
        # last stage is taken even if it does not fit, which only a role with very many gaps could cause.
        low, high = 2, len(STAGES) - 1
        while low < high:
            middle = (low + high) // 2
            if fits(middle):
                high = middle
            else:
                low = middle + 1
        chosen = high
    if chosen not in tried:
        fits(chosen)
    pdf = tried[chosen]
    fonts.own_copies(pdf)
    return bytes(pdf.output())


def filename(view: TrackerView) -> str:
    return f"brief-{view.tracker.employee.employee_number}-{view.tracker.role.code}.pdf"
