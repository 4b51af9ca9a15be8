"""Recording a move to another role (a promotion, a lateral move): a supervisor records it; audited."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_manage_employee, ensure
from pathways.careers.models import Role
from pathways.errors import BadRequest, NotFound, shown
from pathways.inbox import service as inbox
from pathways.org.models import Employee, EmployeeMove


def change_role(
    session: Session,
    user: User,
    employee: Employee,
    *,
    role_code: str,
    effective_on: dt.date,
    reason: str,
    today: dt.date,
) -> Role:
    ensure(
        can_manage_employee(session, user, employee),
        f"Only a supervisor in {employee.name}'s reporting line (or an admin) can record a move.",
    )
    role = session.scalar(select(Role).where(Role.code == role_code))
    if role is None:
        raise NotFound(f"No role with code {shown(role_code)}.")
    if role.id == employee.role_id:
        raise BadRequest(f"{employee.name} already works as {role.name}.")
    if effective_on < employee.hire_date:
        raise BadRequest("A move cannot take effect before the person was hired.")
    if effective_on > today + dt.timedelta(days=366):
        raise BadRequest("A move can be recorded at most a year ahead.")
    old = session.scalar(select(Role.code).where(Role.id == employee.role_id))
    before = {"role": old, "role_since": employee.role_since.isoformat()}
    session.add(
        EmployeeMove(
            employee_id=employee.id, moved_on=effective_on, source="supervisor", changes="role",
            from_role_id=employee.role_id, to_role_id=role.id,
        )
    )  # fmt: skip
    employee.role_id, employee.role_since = role.id, effective_on
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="employee.role_change",
        entity="employees",
        entity_id=employee.id,
        before=before,
        after={"role": role.code, "role_since": effective_on.isoformat(), "reason": reason.strip()},
    )
    inbox.notify_employee(
        session, employee.id, "role", f"{user.name} recorded your move to {role.name}.", "/learning"
    )
    return role
