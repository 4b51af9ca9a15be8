"""When passed practice adds up to competency evidence.

A passed set shows the competencies its case types practise, at the set's level. A couple of cases show
luck or a good day rather than a level, so practice evidences competency C at level L only when the
learner's passed sets of level L or above hold at least `cases` cases of the case types that practise C,
of at least `case_types` different types: content/practice.yaml states both per competency, with the
reason. A set counts once every case in it is passed (sets.record_if_passed); its cases count once each,
however many retries they took.

Each time a learner passes a set the tally is redone, and for every competency whose level by this rule
went up an evidence record (source "practice") is added through competencies.records. competencies.evidence,
the tracker, the planner and the team views read those records like any other evidence, so the rule is
applied once, here.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.competencies import records
from pathways.competencies.levels import LevelWords
from pathways.competencies.models import Competency
from pathways.practice.cases import practised_by
from pathways.practice.models import PracticeEvidenceRule, PracticeSet, PracticeSetMember

SOURCE = "practice"


@dataclass(frozen=True)
class Rule:
    competency: str
    name: str
    cases: int
    case_types: int
    why: str
    practised_by: tuple[str, ...]  # the case types that practise the competency


@dataclass(frozen=True)
class PassedSet:
    level: int
    case_types: tuple[str, ...]
    cases_per_type: int


@dataclass(frozen=True)
class Standing:
    """Where one learner stands against one competency's rule: what counts so far, and what is missing."""

    rule: Rule
    level: int  # the level practice evidences by the rule; 0 when it does not yet
    cases: int  # passed cases that practise the competency, in sets of any level
    types: tuple[str, ...]  # the case types among them

    @property
    def cases_short(self) -> int:
        return max(self.rule.cases - self.cases, 0)

    @property
    def types_short(self) -> int:
        return max(self.rule.case_types - len(self.types), 0)

    @property
    def missing(self) -> str:
        """What is still needed for a first level, in words; empty once the rule is met."""
        parts = []
        if self.cases_short:
            parts.append(f"{self.cases_short} more passed case{'s' if self.cases_short != 1 else ''}")
        if self.types_short:
            parts.append(f"{self.types_short} more case type{'s' if self.types_short != 1 else ''}")
        return " and ".join(parts)


def rules(session: Session) -> dict[str, Rule]:
    rows = session.execute(
        select(Competency.code, Competency.name, PracticeEvidenceRule.cases, PracticeEvidenceRule.case_types,
               PracticeEvidenceRule.why)
        .join(PracticeEvidenceRule, PracticeEvidenceRule.competency_id == Competency.id)
        .order_by(Competency.name)
    )  # fmt: skip
    return {
        code: Rule(code, name, cases, types, why, practised_by(code))
        for code, name, cases, types, why in rows
    }


def passed_sets(session: Session, employee_id: int) -> list[PassedSet]:
    rows = session.execute(
        select(PracticeSet.level, PracticeSet.case_types, PracticeSet.cases_per_type)
        .join(PracticeSetMember, PracticeSetMember.set_id == PracticeSet.id)
        .where(PracticeSetMember.employee_id == employee_id, PracticeSetMember.passed_on.is_not(None))
    )
    return [PassedSet(level, tuple(types), per_type) for level, types, per_type in rows]


def tally(rule: Rule, passed: Iterable[PassedSet]) -> tuple[int, tuple[str, ...]]:
    cases, types = 0, set()
    for practice_set in passed:
        relevant = [code for code in practice_set.case_types if code in rule.practised_by]
        cases += practice_set.cases_per_type * len(relevant)
        types.update(relevant)
    return cases, tuple(sorted(types))


def level_for(rule: Rule, passed: list[PassedSet]) -> int:
    for level in (4, 3, 2, 1):
        cases, types = tally(rule, [p for p in passed if p.level >= level])
        if cases >= rule.cases and len(types) >= rule.case_types:
            return level
    return 0


def standings(session: Session, employee_id: int) -> list[Standing]:
    passed = passed_sets(session, employee_id)
    found = []
    for rule in rules(session).values():
        cases, types = tally(rule, passed)
        found.append(Standing(rule, level_for(rule, passed), cases, types))
    return found


def record(session: Session, employee_id: int, today: dt.date) -> dict[str, int]:
    """Add evidence for every competency whose level by the rule is above what practice recorded before;
    returns those competencies and their new levels."""
    before = records.recorded_levels(session, employee_id, SOURCE)
    passed = passed_sets(session, employee_id)
    all_rules = rules(session)
    raised: dict[str, int] = {}
    for rule in all_rules.values():
        level = level_for(rule, passed)
        if level > before.get(rule.competency, 0):
            raised[rule.competency] = level
    shown = {}
    words = LevelWords(lambda: session)
    for code, level in raised.items():
        rule = all_rules[code]
        cases, types = tally(rule, [p for p in passed if p.level >= level])
        # Short enough for the tracker's gap table, which shows the first 80 characters of a detail; the
        # level by name, as everywhere a learner reads one (issue 15).
        shown[code] = (
            level,
            f"Practice desk: {cases} passed cases of {len(types)} types at {words.name(level)} or above",
        )
    records.record(session, employee_id, SOURCE, shown, today)
    return raised
