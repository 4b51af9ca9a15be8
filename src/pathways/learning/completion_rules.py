"""What a reported completion must meet to count, whoever reports it: the CSV import or the LRS.

A completion changes compliance and readiness, so a report that names nobody or no course, or a date that
cannot be right for the person, records nothing; the report says why, in the caller's words for the date.
"""

import datetime as dt
from dataclasses import dataclass

UNKNOWN_PERSON = "unknown_person"
UNKNOWN_COURSE = "unknown_course"
FUTURE = "future"
BEFORE_HIRE = "before_hire"
REASONS = {
    UNKNOWN_PERSON: "names no known employee",
    UNKNOWN_COURSE: "names no known course",
    FUTURE: "dated in the future",
    BEFORE_HIRE: "dated before the hire date",
}


@dataclass(frozen=True)
class Problem:
    code: str  # one of REASONS
    message: str


def date_problem(
    completed_at: dt.date, hire_date: dt.date, today: dt.date, what: str = "completed_at"
) -> Problem | None:
    """A completion cannot be dated after today, nor before the person was hired. `what`: the date's name."""
    if completed_at > today:
        return Problem(FUTURE, f"{what} {completed_at.isoformat()} is in the future")
    if completed_at < hire_date:
        return Problem(
            BEFORE_HIRE, f"{what} {completed_at.isoformat()} is before the hire date {hire_date:%Y-%m-%d}"
        )
    return None
