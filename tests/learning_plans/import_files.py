"""Large completions files for the demo organisation, every row new: for tests of long imports."""

import datetime as dt
import itertools

from sqlalchemy import select

from pathways.db import Database
from pathways.learning.models import Completion, Course
from pathways.org.models import Employee


def new_completions_csv(database: Database, rows: int) -> bytes:
    """`rows` completions that are all new: distinct employee, course and day, none before a hire date."""
    today = dt.date.today()
    with database.session() as session:
        people = list(session.execute(select(Employee.id, Employee.email, Employee.hire_date)))
        courses = list(session.execute(select(Course.id, Course.code)))
        keys = select(Completion.employee_id, Completion.course_id, Completion.completed_at)
        taken = set(session.execute(keys))
    lines = ["employee,course,completed_at,score"]
    day = 0
    while len(lines) <= rows:
        day += 1
        when = today - dt.timedelta(days=day)
        for (employee_id, email, hired), (course_id, code) in itertools.product(people, courses):
            if len(lines) <= rows and when >= hired and (employee_id, course_id, when) not in taken:
                lines.append(f"{email},{code},{when.isoformat()},")
    return ("\n".join(lines) + "\n").encode()
