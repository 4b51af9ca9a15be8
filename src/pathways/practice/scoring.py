"""Turning findings into a score and a pass (sets.py turns passed sets into competency evidence).

A case starts at 100: a major error costs 20 points, a minor one 5. Any critical error (safety, privacy,
legal) fails the case outright. A case passes with no critical error and a score of at least 80, so one
major error alone still passes, a second does not; but a case whose required work was left undone (no
decision recorded, no payment taken...) cannot pass, whatever its score. Time is recorded; a case taking
more than twice its target time adds a minor time-management finding.
"""

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel

from pathways.practice.cases.base import CaseKind, Finding, Severity

PENALTY = {Severity.MAJOR: 20, Severity.MINOR: 5}
PASS_MARK = 80
SLOW_FACTOR = 2


class Score(BaseModel):
    score: int
    passed: bool
    critical: int
    major: int
    minor: int
    elapsed_seconds: int


def time_findings(kind: CaseKind, elapsed_seconds: int) -> list[Finding]:
    if elapsed_seconds <= kind.target_seconds * SLOW_FACTOR:
        return []
    return [
        kind.finding(
            "slow",
            Severity.MINOR,
            f"The case took {elapsed_seconds // 60} min {elapsed_seconds % 60} s; the target is "
            f"{kind.target_seconds // 60} min.",
            competency="time-management",
        )
    ]


def score(findings: Iterable[Finding], elapsed_seconds: int) -> Score:
    findings = list(findings)
    incomplete = any(f.incomplete for f in findings)
    counts = Counter(f.severity for f in findings)
    critical = counts[Severity.CRITICAL]
    points = 0 if critical else max(0, 100 - sum(PENALTY[s] * counts[s] for s in PENALTY))
    return Score(
        score=points,
        passed=not critical and points >= PASS_MARK and not incomplete,
        critical=critical,
        major=counts[Severity.MAJOR],
        minor=counts[Severity.MINOR],
        elapsed_seconds=elapsed_seconds,
    )
