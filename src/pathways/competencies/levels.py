"""Proficiency levels in words: the one place a level number becomes the name and behaviour people read.

Levels are numbers in the data (0 = not shown yet, 1..4 on the shared scale); a learner, site lead or
supervisor never sees the bare number (issue 15). Names and summaries come from content/scale.yaml and each
competency's behaviours from content/competencies.yaml, through the database, so an edited scale shows
everywhere at once.
"""

from collections.abc import Callable
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies.models import Competency, CompetencyLevel, ProficiencyLevel

NOT_SHOWN = "Not yet shown"
NOT_SHOWN_SUMMARY = "No evidence of this competency yet."


class LevelWords:
    """Loaded on first use, so a page that shows no level pays no query; at most two queries per page."""

    def __init__(self, session: Callable[[], Session | None]) -> None:
        self._session = session

    @cached_property
    def _scale(self) -> dict[int, tuple[str, str]]:
        session = self._session()
        if session is None:
            return {}
        rows = session.execute(
            select(ProficiencyLevel.level, ProficiencyLevel.name, ProficiencyLevel.summary)
        )
        return {level: (name, summary) for level, name, summary in rows}

    @cached_property
    def _behaviours(self) -> dict[tuple[str, int], str]:
        session = self._session()
        if session is None:
            return {}
        rows = session.execute(
            select(Competency.code, CompetencyLevel.level, CompetencyLevel.behaviour).join(
                CompetencyLevel, CompetencyLevel.competency_id == Competency.id
            )
        )
        return {(code, level): behaviour for code, level, behaviour in rows}

    def name(self, level: int | None) -> str:
        if not level:
            return NOT_SHOWN
        found = self._scale.get(int(level))
        return found[0] if found else f"Level {level}"

    def summary(self, level: int | None) -> str:
        if not level:
            return NOT_SHOWN_SUMMARY
        found = self._scale.get(int(level))
        return found[1] if found else ""

    def behaviour(self, level: int | None, competency_code: str) -> str:
        """What this competency looks like at this level; the scale's summary where content has no line."""
        if not level:
            return NOT_SHOWN_SUMMARY
        return self._behaviours.get((competency_code, int(level))) or self.summary(level)

    def steps(self) -> list[tuple[int, str, str]]:
        """The scale in order, for a form's choices: (level, name, summary)."""
        return [(level, name, summary) for level, (name, summary) in sorted(self._scale.items())]
