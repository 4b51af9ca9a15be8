"""A set's results as charts and a spreadsheet: pass rate by case type, errors by kind and by severity, and a
CSV with one row per learner and case.

The charts are drawn with the teams charts' SVG helpers (title, description, escaped text). They are
horizontal bars rather than teams.charts.bar_chart: case type and error names are too long to sit under
vertical bars, and a pass rate is drawn against 100 %, not against the largest bar.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways import svg
from pathways.csvfile import csv_text
from pathways.practice.cases import CASE_KINDS
from pathways.practice.models import PracticeAttempt, PracticeSet
from pathways.practice.worksheet import label
from pathways.svg import BRAND, INK, LINE, MUTED

SEVERITIES = ("critical", "major", "minor")
# Bar fills with at least 3:1 contrast on white (WCAG non-text contrast); the figures sit beside the bars.
SEVERITY_FILLS = {"critical": "#b3261e", "major": "#a15c00", "minor": "#4a5868"}
CSV_HEADER = (
    "employee_number",
    "learner",
    "case_type",
    "case",
    "case_number",
    "finished_attempts",
    "latest_score",
    "latest_passed",
    "latest_critical",
    "latest_major",
    "latest_minor",
    "latest_finished_at",
    "set_passed_on",
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the figure printed beside the bar
    fill: str = BRAND


def pass_rate_by_type(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Finished attempts and passes per case type, summed over the set's cases of that type."""
    totals: dict[str, list[int]] = {}
    for row in results["by_case"]:
        attempts_passed = totals.setdefault(row["case_type"], [0, 0])
        attempts_passed[0] += row["attempts"]
        attempts_passed[1] += row["passed"]
    return [
        {
            "case_type": code,
            "name": CASE_KINDS[code].name,
            "attempts": attempts,
            "passed": passed,
            "percent": round(100 * passed / attempts) if attempts else None,
        }
        for code, (attempts, passed) in totals.items()
    ]


def errors_by_kind(results: dict[str, Any]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str]] = Counter()
    for row in results["by_error"]:
        counts[(row["code"], row["severity"])] += row["count"]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    ranked = sorted(counts.items(), key=lambda item: (order.get(item[0][1], 9), -item[1], item[0][0]))
    # A trainer reads the error's name ("Security code entered"), never its code (issue 15).
    return [
        {"code": code, "name": label(code), "severity": severity, "count": n}
        for (code, severity), n in ranked
    ]


def errors_by_severity(results: dict[str, Any]) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for row in results["by_error"]:
        counts[row["severity"]] += row["count"]
    return [{"severity": s, "count": counts[s]} for s in SEVERITIES]


def bar_rows(bars: list[Bar], peak: int, title: str, desc: str, ident: str) -> Markup:
    label_w, plot_w, row_h, top = 250, 300, 26, 10
    width, height = label_w + plot_w + 90, top * 2 + row_h * max(len(bars), 1)
    body = [f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{height - top}" stroke="{MUTED}"/>']
    for index, bar in enumerate(bars):
        y = top + index * row_h
        bar_w = plot_w * bar.value / (peak or 1)
        body.append(svg.label(label_w - 8, y + row_h / 2 + 4, bar.label[:38], anchor="end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" fill="{bar.fill}" '
            f'stroke="{LINE}"/>'
        )
        body.append(svg.label(label_w + bar_w + 6, y + row_h / 2 + 4, bar.shown, fill=INK))
    return svg.document(width, height, title, desc, body, ident)


def pass_rate_chart(rows: list[dict[str, Any]]) -> Markup:
    bars = [
        Bar(
            r["name"],
            r["percent"] or 0,
            "no attempts" if r["percent"] is None else f"{r['percent']} % ({r['passed']} of {r['attempts']})",
        )
        for r in rows
    ]
    desc = "Share of finished attempts that passed, by case type: " + "; ".join(
        f"{b.label}: {b.shown}" for b in bars
    )
    return bar_rows(bars, 100, "Pass rate by case type", desc, "pass-rate")


def errors_chart(rows: list[dict[str, Any]]) -> Markup:
    bars = [
        Bar(f"{r['name']} ({r['severity']})", r["count"], str(r["count"]), SEVERITY_FILLS[r["severity"]])
        for r in rows
    ]
    peak = max((b.value for b in bars), default=0)
    desc = "Errors found in finished attempts, by kind: " + "; ".join(f"{b.label}: {b.shown}" for b in bars)
    return bar_rows(bars, peak, "Errors by kind", desc, "errors-kind")


def severity_chart(rows: list[dict[str, Any]]) -> Markup:
    bars = [Bar(r["severity"], r["count"], str(r["count"]), SEVERITY_FILLS[r["severity"]]) for r in rows]
    peak = max((b.value for b in bars), default=0)
    desc = "Errors found in finished attempts, by severity: " + "; ".join(
        f"{b.label}: {b.shown}" for b in bars
    )
    return bar_rows(bars, peak, "Errors by severity", desc, "errors-severity")


def charts(results: dict[str, Any]) -> dict[str, Any]:
    """What the results page shows as charts, each with the rows its table alternative lists."""
    by_type, by_kind, by_severity = (
        pass_rate_by_type(results),
        errors_by_kind(results),
        errors_by_severity(results),
    )
    return {
        "pass_rate": by_type,
        "pass_rate_svg": pass_rate_chart(by_type),
        "errors": by_kind,
        "errors_svg": errors_chart(by_kind),
        "severity": by_severity,
        "severity_svg": severity_chart(by_severity),
    }


def results_csv(session: Session, practice_set: PracticeSet, results: dict[str, Any]) -> str:
    """One row per learner and case: how often they finished it and how their latest attempt went."""
    finished = session.scalars(
        select(PracticeAttempt)
        .where(PracticeAttempt.set_id == practice_set.id, PracticeAttempt.status == "finished")
        .order_by(PracticeAttempt.id)
    )
    tries: Counter[tuple[int, str, int]] = Counter()
    latest: dict[tuple[int, str, int], PracticeAttempt] = {}
    for attempt in finished:
        key = (attempt.employee_id, attempt.case_type, attempt.case_index or 0)
        tries[key] += 1
        latest[key] = attempt
    cases: dict[str, list[int]] = defaultdict(list)
    for row in results["by_case"]:
        cases[row["case_type"]].append(row["index"])
    rows = []
    for learner in results["by_learner"]:
        for code, indexes in cases.items():
            for index in indexes:
                key = (learner["employee_id"], code, index)
                last = latest.get(key)
                rows.append(
                    (
                        learner["employee_number"],
                        learner["name"],
                        code,
                        CASE_KINDS[code].name,
                        index + 1,
                        tries[key],
                        "" if last is None else last.score,
                        "" if last is None else ("yes" if last.passed else "no"),
                        "" if last is None else last.critical_count,
                        "" if last is None else last.major_count,
                        "" if last is None else last.minor_count,
                        "" if last is None or last.finished_at is None else last.finished_at.isoformat(),
                        learner["passed_on"].isoformat() if learner["passed_on"] else "",
                    )
                )
    return csv_text(CSV_HEADER, rows)
