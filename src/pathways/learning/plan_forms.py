"""HTML form fields for the learning pages, parsed into clear messages rather than bare 422s."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from pathways.auth.models import User
from pathways.auth.permissions import visible_employee_ids
from pathways.careers.models import Role
from pathways.errors import BadRequest, shown
from pathways.learning.models import Course
from pathways.org.models import Employee, Site


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(f"The {what} must be a date like 2026-03-31; got {shown(value)}.") from None


class CompletionForm(BaseModel):
    course: str = Field(max_length=32)
    completed_at: str = Field(default="", max_length=32)
    score: str = Field(default="", max_length=8)
    employee_id: str = Field(default="", max_length=12)

    def date(self) -> dt.date:
        return parse_date(self.completed_at, "completion date")

    def score_value(self) -> int | None:
        text = self.score.strip()
        if not text:
            return None
        if not text.isdigit() or not 0 <= int(text) <= 100:
            raise BadRequest(f"The score must be a whole number from 0 to 100; got {shown(text)}.")
        return int(text)

    def employee(self) -> int | None:
        text = self.employee_id.strip()
        if not text:
            return None
        if not text.isdigit() or len(text) > 9:
            raise BadRequest(f"Unknown employee {shown(text)}.")
        return int(text)


class ChangeForm(BaseModel):
    due_on: str = Field(default="", max_length=32)
    reason: str = Field(default="", max_length=500)

    def due(self) -> dt.date:
        return parse_date(self.due_on, "new due date")


class AssignForm(BaseModel):
    course: str = Field(default="", max_length=32)
    target: str = Field(default="", max_length=300)
    due_on: str = Field(default="", max_length=32)
    reason: str = Field(default="", max_length=500)

    def due(self) -> dt.date:
        if not self.due_on.strip():
            raise BadRequest("Choose a due date.")
        return parse_date(self.due_on, "due date")


def assign_context(
    session: Session, user: User, form: dict[str, Any], error: str | None = None
) -> dict[str, Any]:
    """The choices of the assign form: only people, teams, sites and roles within the user's scope."""
    scope = visible_employee_ids(user)
    people = list(session.scalars(select(Employee).where(Employee.id.in_(scope)).order_by(Employee.name)))
    report = aliased(Employee)
    managers = list(
        session.scalars(
            select(Employee)
            .where(Employee.id.in_(scope), select(report.id).where(report.manager_id == Employee.id).exists())
            .order_by(Employee.name)
        )
    )
    in_scope = select(Employee.site_id).where(Employee.id.in_(scope))
    sites = list(session.scalars(select(Site).where(Site.id.in_(in_scope)).order_by(Site.name)))
    holders = select(Employee.role_id).where(Employee.id.in_(scope))
    roles = list(session.scalars(select(Role).where(Role.id.in_(holders)).order_by(Role.position, Role.name)))
    courses = list(session.scalars(select(Course).order_by(Course.code)))
    return {
        "form": form,
        "error": error,
        "courses": courses,
        "groups": [
            ("People", [(f"employee:{p.id}", p.name) for p in people]),
            (
                "Whole teams (direct and indirect reports)",
                [(f"team:{m.id}", f"Team of {m.name}") for m in managers],
            ),
            ("Sites", [(f"site:{s.code}", f"Everyone at {s.name}") for s in sites]),
            ("Roles", [(f"role:{r.code}", f"Every {r.name}") for r in roles]),
        ],
        "min_due": dt.date.today().isoformat(),
    }
