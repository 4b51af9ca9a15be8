"""What a tracker's goals and notes may hold: one set of rules, with one message each, for the page's forms,
the API, and a workbook's preview and apply (trackers/proposal.py runs them over a whole proposal)."""

import datetime as dt

from pathways.errors import BadRequest, escaped
from pathways.trackers.quarters import FIRST_YEAR, LAST_YEAR

MAX_GOAL = 300
MAX_NOTES = 5000
# Line breaks and tabs are how notes are laid out; every other control character is refused, wherever it
# came from (PostgreSQL cannot store a NUL at all, and the rest print as nothing or as boxes).
NOTES_LAYOUT = frozenset("\n\t")


def control_character(text: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """The first control character in the text, as an escape like \\x07, with its position; None if none."""
    for position, ch in enumerate(text, start=1):
        if ch not in allowed and (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0):
            return f"{escaped(ch)} at character {position}"
    return None


def clean_goal_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise BadRequest("A goal needs some text.")
    if len(text) > MAX_GOAL:
        raise BadRequest(f"A goal can be at most {MAX_GOAL} characters; this one has {len(text):,}.")
    if found := control_character(text):
        raise BadRequest(f"A goal cannot hold a control character ({found}).")
    return text


def check_target_date(day: dt.date | None) -> dt.date | None:
    # The same years a plan's quarters may be in: a goal dated 1900 or 9999 is a slip of the keyboard.
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadRequest(
            f"The target date {day.isoformat()} is not between {FIRST_YEAR} and {LAST_YEAR}; "
            "write it like 2027-03-31."
        )
    return day


def clean_notes(notes: str | None) -> str:
    notes = (notes or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(notes) > MAX_NOTES:
        raise BadRequest(f"Notes can be at most {MAX_NOTES:,} characters; these have {len(notes):,}.")
    if found := control_character(notes, NOTES_LAYOUT):
        raise BadRequest(f"Notes cannot hold a control character ({found}).")
    return notes
