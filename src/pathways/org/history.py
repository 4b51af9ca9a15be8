"""A person's history of moves (job role, site, manager, employment status), newest first, for their page."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.careers.models import Role
from pathways.org.models import Employee, EmployeeMove, Site

SOURCES = {"hr-import": "HR feed", "supervisor": "recorded by a supervisor", "scim": "identity system (SCIM)"}


@dataclass(frozen=True)
class MoveLine:
    moved_on: dt.date
    source: str
    what: list[str]


def history(session: Session, employee_id: int, limit: int = 50) -> list[MoveLine]:
    moves = list(
        session.scalars(
            select(EmployeeMove)
            .where(EmployeeMove.employee_id == employee_id)
            .order_by(EmployeeMove.moved_on.desc(), EmployeeMove.id.desc())
            .limit(limit)
        )
    )
    role_ids = {i for m in moves for i in (m.from_role_id, m.to_role_id) if i}
    site_ids = {i for m in moves for i in (m.from_site_id, m.to_site_id) if i}
    people_ids = {i for m in moves for i in (m.from_manager_id, m.to_manager_id) if i}
    roles = dict(session.execute(select(Role.id, Role.name).where(Role.id.in_(role_ids))).all())
    sites = dict(session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids))).all())
    people = dict(
        session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(people_ids))).all()
    )
    lines = []
    for move in moves:
        changed = move.changes.split(",")
        what = []
        if "role" in changed:
            what.append(
                f"Job role: {roles.get(move.from_role_id or 0, '?')} → {roles.get(move.to_role_id or 0, '?')}"
            )
        if "site" in changed:
            what.append(
                f"Site: {sites.get(move.from_site_id or 0, '?')} → {sites.get(move.to_site_id or 0, '?')}"
            )
        if "manager" in changed:
            old = people.get(move.from_manager_id or 0, "none")
            what.append(f"Manager: {old} → {people.get(move.to_manager_id or 0, 'none')}")
        if "status" in changed:
            what.append(f"Employment: {move.from_status} → {move.to_status}")
        lines.append(MoveLine(move.moved_on, SOURCES.get(move.source, move.source), what))
    return lines
