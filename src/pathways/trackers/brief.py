"""The one-page brief an employee brings to a career conversation (fpdf2).

It is always one page. The font steps down first; if the smallest size still runs over, the free text
(goals, questions, course lists) is cut, each cut marked "… (continued in Pathways)" with the tracker's
address. Gaps are the point of the brief: every one is listed at every step.

Names are printed as written (Nguyễn, Ελένη) with Noto Sans, embedded from the pymupdf-fonts package or,
failing that, a system font; only without either does the text fall back to Latin-1, transliterated.
"""

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pathways.trackers import brief_fonts
from pathways.trackers.views import TrackerView

SIZES = (9.5, 8.5, 7.5, 6.5, 6)
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
        self.family = fonts.install(self, trial=trial)
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(True, margin=12)
        self.set_title("Career conversation brief")
        self.set_creator("Pathways")
        self.add_page()

    def line_height(self) -> float:
        return self.size * 0.5

    def text_of(self, text: str) -> str:
        return self.fonts_used.printable(text)

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.set_font(self.family, "B", self.size + 1.5)
        self.cell(0, self.line_height() + 1, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family, "", self.size)

    def para(self, text: str, style: str = "") -> None:
        self.set_font(self.family, style, self.size)
        self.multi_cell(0, self.line_height(), self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: list[str], empty: str) -> None:
        for item in items or [empty]:
            self.para(f"- {item}" if items else empty)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: tuple[int, ...]) -> None:
        self.set_font(self.family, "", self.size)
        with self.table(col_widths=widths, line_height=self.line_height() + 0.5, padding=0.6) as table:
            table.row([self.text_of(h) for h in header])
            for values in rows:
                table.row([self.text_of(v) for v in values])


def render(
    view: TrackerView, size: float, today: dt.date, fit: Fit, fonts: brief_fonts.Fonts, trial: bool = False
) -> Brief:
    tracker, analysis = view.tracker, view.analysis
    readiness = analysis.readiness
    pdf = Brief(size, fonts, trial)
    pdf.set_font(pdf.family, "B", size + 6)
    pdf.cell(0, size * 0.8, "Career conversation brief", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(
        f"{tracker.employee.name} ({tracker.employee.employee_number}), "
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
                cut(g.basis_text, fit.source),
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
        cut(g.text, fit.chars)
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
