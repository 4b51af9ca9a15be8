"""The level summary against the facts: what the tests of every writer of evidence hold after their write."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.evidence import evidenced_levels, latest_ratings
from pathways.competencies.models import Competency, LevelSummary
from pathways.org.models import Employee

Figures = dict[tuple[int, str], tuple[int | None, int | None]]  # (employee, code) -> (evidenced, rated)


def summarised(session: Session) -> Figures:
    session.flush()
    rows = session.execute(
        select(LevelSummary.employee_id, Competency.code, LevelSummary.evidenced, LevelSummary.rated).join(
            Competency, Competency.id == LevelSummary.competency_id
        )
    )
    return {(e, code): (shown, rated) for e, code, shown, rated in rows}


def live(session: Session) -> Figures:
    """The same figures by competencies.evidence, the plain definition, read person by person's facts."""
    session.flush()
    ids = list(session.scalars(select(Employee.id)))
    shown = evidenced_levels(session, ids)
    ratings = latest_ratings(session, ids)
    figures: Figures = {}
    for e in ids:
        mine: dict[str, list[Any]] = {code: [level, None] for code, level in shown.get(e, {}).items()}
        for (code, kind), level in ratings.get(e, {}).items():
            if kind == "manager":
                mine.setdefault(code, [None, None])[1] = level
        figures.update({(e, code): (pair[0], pair[1]) for code, pair in mine.items()})
    return figures


def assert_summary_is_live(session: Session) -> Figures:
    """Everyone's summary equals the facts; returns the figures for the caller's own checks."""
    got, want = summarised(session), live(session)
    wrong = {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    assert not wrong, f"{len(wrong)} stale summary rows, e.g. {sorted(wrong.items())[:5]}"
    return got
