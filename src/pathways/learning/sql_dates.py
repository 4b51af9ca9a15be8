"""Date arithmetic inside SQL that gives exactly what learning.requirements gives in Python, on SQLite and on
PostgreSQL: so a query can filter and sort on a due date or an expiry the database works out itself.

add_months is requirements.add_months (the same day `months` later, or that month's last day when it is
shorter); PostgreSQL's date + interval already clamps that way, SQLite's date() would roll over into the next
month, so there the earlier of "same day" and "last day of the month" is taken.
"""

from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement[Any]):
    type = Date()
    inherit_cache = True
    name = "add_months"


class plus_days(FunctionElement[Any]):
    type = Date()
    inherit_cache = True
    name = "plus_days"


@compiles(add_months, "postgresql")
def _add_months_postgresql(element: add_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST({day} + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(arg, **kw) for arg in element.clauses)
    same_day = (
        f"date({day}, 'start of month', '+' || ({months}) || ' months', "
        f"'+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1) || ' days')"
    )
    last_day = f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day')"
    return f"min({same_day}, {last_day})"


@compiles(plus_days, "postgresql")
def _plus_days_postgresql(element: plus_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({day} + CAST({days} AS INTEGER))"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element: plus_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({day}, '+' || ({days}) || ' days')"
