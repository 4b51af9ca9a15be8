"""Charts as server-rendered SVG: presentation attributes only (the CSP forbids inline style), a title and
description for assistive technology, and every page pairs each chart with a table of the same numbers."""

from html import escape

from markupsafe import Markup

from pathways import svg
from pathways.svg import BRAND, INK, LINE, MUTED
from pathways.teams.analytics import HeatMap, MonthCompliance

# Light fills, so the dark figures on them keep AA contrast: met, a little short, short, far short.
GAP_FILLS = ((0.0, "#e6f4ea"), (1.0, "#fff4d6"), (2.0, "#fdd9a8"), (99.0, "#f4b4b4"))
NONE_FILL = "#f0f2f5"


def gap_fill(gap: float | None) -> str:
    if gap is None:
        return NONE_FILL
    return next(fill for limit, fill in GAP_FILLS if gap <= limit)


def heat_map(heat: HeatMap) -> Markup:
    cell, label_width, header = 34, 230, 150
    width = label_width + cell * max(len(heat.columns), 1) + 130  # room for the last slanted labels
    height = header + cell * max(len(heat.rows), 1) + 10
    body = []
    for index, (_code, name) in enumerate(heat.columns):
        x = label_width + index * cell + cell / 2
        body.append(
            f'<text x="{x:.1f}" y="{header - 6}" font-size="11" fill="{INK}" '
            f'transform="rotate(-55 {x:.1f} {header - 6})">{escape(name[:28])}</text>'
        )
    for row_index, row in enumerate(heat.rows):
        y = header + row_index * cell
        body.append(svg.label(label_width - 8, y + cell / 2 + 4, row.label[:34], anchor="end"))
        for col_index, gap in enumerate(row.gaps):
            x = label_width + col_index * cell
            shown = "\N{EN DASH}" if gap is None else f"{gap:g}"
            tip = f"{row.label}, {heat.columns[col_index][1]}: " + (
                "not required" if gap is None else f"gap {gap:g}"
            )
            body.append(
                f'<g><title>{escape(tip)}</title><rect x="{x}" y="{y}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{gap_fill(gap)}" stroke="{LINE}"/>'
                + svg.label(x + (cell - 2) / 2, y + cell / 2 + 3, shown, anchor="middle", size=11)
                + "</g>"
            )
    desc = (
        f"{len(heat.rows)} rows by {heat.group}, {len(heat.columns)} competencies; each cell is the gap "
        "between the level the current role requires and the level reached (0 = met). The table below "
        "gives the same figures."
    )
    return svg.document(width, height, "Competency gaps", desc, body, "heat")


def bar_chart(bars: list[tuple[str, int]], title: str, ident: str) -> Markup:
    width, height, left, bottom, top = 560, 260, 40, 40, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max((n for _, n in bars), default=0) or 1
    step = plot_w / max(len(bars), 1)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="{MUTED}"/>']
    for index, (label, count) in enumerate(bars):
        bar_h = plot_h * count / peak
        x = left + index * step + step * 0.15
        y = top + plot_h - bar_h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{bar_h:.1f}" fill="{BRAND}"/>'
        )
        body.append(svg.label(x + step * 0.35, y - 4, str(count), anchor="middle"))
        body.append(svg.label(x + step * 0.35, top + plot_h + 16, label, anchor="middle", size=11))
    desc = "; ".join(f"{label}: {count}" for label, count in bars)
    return svg.document(width, height, title, desc, body, ident)


def line_chart(months: list[MonthCompliance], title: str, ident: str) -> Markup:
    width, height, left, bottom, top = 620, 260, 44, 40, 20
    plot_w, plot_h = width - left - 16, height - bottom - top
    step = plot_w / max(len(months) - 1, 1)
    body = []
    for percent in (0, 50, 100):
        y = top + plot_h * (1 - percent / 100)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 16}" y2="{y:.1f}" stroke="{LINE}"/>')
        body.append(svg.label(left - 6, y + 4, f"{percent} %", anchor="end", size=11, fill=MUTED))
    points = []
    for index, month in enumerate(months):
        x = left + index * step
        body.append(svg.label(x, top + plot_h + 16, month.month[2:], anchor="middle", size=10))
        if month.percent is not None:
            y = top + plot_h * (1 - month.percent / 100)
            points.append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BRAND}"><title>'
                f"{escape(month.month)}: {month.percent} % ({month.done} of {month.due})</title></circle>"
            )
    if len(points) > 1:
        body.insert(
            0, f'<polyline points="{" ".join(points)}" fill="none" stroke="{BRAND}" stroke-width="2"/>'
        )
    desc = "; ".join(
        f"{m.month}: " + ("nothing due" if m.percent is None else f"{m.percent} %") for m in months
    )
    return svg.document(width, height, title, desc, body, ident)
