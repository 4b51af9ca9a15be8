"""The one-page brief an employee brings to a career conversation (fpdf2, built-in fonts).

It fits one page by stepping the font size down until it does; it never drops a gap to fit.
"""

import datetime as dt
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from pathways.trackers.views import TrackerView

SIZES = (9.5, 8.5, 7.5, 6.5, 6)
# The built-in PDF fonts cover Latin-1; common typographic characters get plain equivalents.
REPLACEMENTS = str.maketrans(
    {
        "\u2192": "->",
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)


def latin(text: str) -> str:
    return text.translate(REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


class Brief(FPDF):
    def __init__(self, size: float) -> None:
        super().__init__(format="A4")
        self.size = size
        self.set_margins(14, 12, 14)
        self.set_auto_page_break(True, margin=12)
        self.set_title("Career conversation brief")
        self.set_creator("Pathways")
        self.add_page()

    def line_height(self) -> float:
        return self.size * 0.5

    def heading(self, text: str) -> None:
        self.ln(1.5)
        self.set_font("Helvetica", "B", self.size + 1.5)
        self.cell(0, self.line_height() + 1, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", self.size)

    def para(self, text: str, style: str = "") -> None:
        self.set_font("Helvetica", style, self.size)
        self.multi_cell(0, self.line_height(), latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: list[str], empty: str) -> None:
        for item in items or [empty]:
            self.para(f"- {item}" if items else empty)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: tuple[int, ...]) -> None:
        self.set_font("Helvetica", "", self.size)
        with self.table(col_widths=widths, line_height=self.line_height() + 0.5, padding=0.6) as table:
            table.row([latin(h) for h in header])
            for values in rows:
                table.row([latin(v) for v in values])


def render(view: TrackerView, size: float, today: dt.date) -> Brief:
    tracker, analysis = view.tracker, view.analysis
    readiness = analysis.readiness
    pdf = Brief(size)
    pdf.set_font("Helvetica", "B", size + 6)
    pdf.cell(0, size * 0.8, "Career conversation brief", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(
        f"{tracker.employee.name} ({tracker.employee.employee_number}), "
        f"now {analysis.time_in_role.current_role}. "
        f"Target role: {tracker.role.name}. Prepared {today.isoformat()} from Pathways, tracker revision "
        f"{tracker.revision}."
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
                g.basis_text,
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
    pdf.para(
        ", ".join(f"{d.code} {d.title} ({d.completed_at.isoformat()})" for d in view.done)
        or "None yet that count towards this role."
    )
    pdf.heading("Courses planned")
    planned = [
        f"{quarter}: " + ", ".join(f"{i.course.code} {i.course.title} ({view.status(i)})" for i in items)
        for quarter, items in view.plan_by_quarter
    ]
    pdf.bullets(planned, "No courses planned yet.")
    pdf.heading("Goals")
    goals = [
        f"{g.text}"
        + (f" - by {g.target_date.isoformat()}" if g.target_date else "")
        + (" (done)" if g.done else "")
        for g in tracker.goals
    ]
    pdf.bullets(goals, "No goals set yet.")
    pdf.heading("My questions for my manager")
    pdf.para(questions(view) or "No questions written yet.")
    return pdf


def questions(view: TrackerView) -> str:
    asked = [c for c in view.tracker.conversations if c.questions]
    open_ones = [c for c in asked if c.status == "requested"]
    chosen = open_ones or asked
    return chosen[-1].questions if chosen else ""


def brief_pdf(view: TrackerView, today: dt.date | None = None) -> bytes:
    today = today or dt.date.today()
    for size in SIZES:
        pdf = render(view, size, today)
        if pdf.page_no() == 1:
            break
    return bytes(pdf.output())


def filename(view: TrackerView) -> str:
    return f"brief-{view.tracker.employee.employee_number}-{view.tracker.role.code}.pdf"
