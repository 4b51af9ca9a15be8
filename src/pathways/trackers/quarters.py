import datetime as dt
import re

from pathways.errors import BadRequest, shown

QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> str:
    """'2027-Q1', '2027 q1' or '2027Q1' -> '2027-Q1'; anything else is refused with the expected form."""
    match = QUARTER.match(text or "")
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise BadRequest(f"{shown(text)} is not a quarter: write it like 2027-Q1.")
    return f"{match.group(1)}-Q{match.group(2)}"


def upcoming_quarters(today: dt.date, count: int = 12) -> list[str]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    result = []
    for _ in range(count):
        result.append(f"{year}-Q{quarter}")
        quarter += 1
        if quarter == 5:
            year, quarter = year + 1, 1
    return result
