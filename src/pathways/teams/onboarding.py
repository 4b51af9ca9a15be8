"""Onboarding plans: a checklist copied from the template for the person's role and site type, a mentor,
due dates, the new hire's own ticks and the site lead's sign-off."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from pathways.audit import service as audit
from pathways.auth.models import User
from pathways.auth.permissions import can_coach, can_sign_off_onboarding, ensure
from pathways.careers.models import Role
from pathways.errors import BadRequest, Conflict, Forbidden, NotFound, shown
from pathways.inbox import service as inbox
from pathways.org.models import Employee, Site
from pathways.teams.models import ANY_SITE_TYPE, OnboardingItem, OnboardingPlan, OnboardingTemplate

MAX_NOTE = 1000
COACHES_ONLY = "Onboarding plans are set up by the person's site lead, a supervisor above them or an admin."
SIGN_OFF_ONLY = "Only the site lead of the person's site signs off onboarding steps."
NEW_HIRE_ONLY = (
    "Only the new hire marks their own onboarding steps as done; the site lead then signs them off."
)

# Each step is in exactly one of these states, in this order (issue 15): the new hire moves it to "done",
# the site lead to "signed_off"; nobody skips a state or moves a step back.
StepState = Literal["to_do", "done", "signed_off"]
TO_DO: StepState = "to_do"
DONE: StepState = "done"
SIGNED_OFF: StepState = "signed_off"
STATE_LABELS: dict[StepState, str] = {
    TO_DO: "To do",
    DONE: "Done, waiting for sign-off",
    SIGNED_OFF: "Signed off",
}


def step_state(item: OnboardingItem) -> StepState:
    if item.signed_off_at is not None:
        return SIGNED_OFF
    return DONE if item.done_on is not None else TO_DO


@dataclass(frozen=True)
class Progress:
    total: int
    done: int  # ticked by the new hire
    signed_off: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.signed_off / self.total) if self.total else 100


def progress(plan: OnboardingPlan, today: dt.date) -> Progress:
    return Progress(
        total=len(plan.items),
        done=sum(1 for i in plan.items if i.done_on is not None or i.signed_off_at is not None),
        signed_off=sum(1 for i in plan.items if i.signed_off_at is not None),
        overdue=sum(1 for i in plan.items if i.signed_off_at is None and i.due_on < today),
    )


def _plan_query() -> Select[OnboardingPlan]:
    return select(OnboardingPlan).options(
        selectinload(OnboardingPlan.items),
        joinedload(OnboardingPlan.employee).joinedload(Employee.site),
        joinedload(OnboardingPlan.employee).joinedload(Employee.role),
        joinedload(OnboardingPlan.mentor),
    )


def plan_of(session: Session, employee: Employee) -> OnboardingPlan | None:
    query = _plan_query().where(OnboardingPlan.employee_id == employee.id)
    return session.scalar(query.execution_options(populate_existing=True))


def require_plan(session: Session, employee: Employee) -> OnboardingPlan:
    plan = plan_of(session, employee)
    if plan is None:
        raise NotFound(f"{employee.name} has no onboarding plan yet.")
    return plan


def plans_in(session: Session, ids: Select[Any] | list[int]) -> list[OnboardingPlan]:
    query = (
        _plan_query().where(OnboardingPlan.employee_id.in_(ids)).order_by(OnboardingPlan.started_on.desc())
    )
    return list(session.scalars(query))


def templates(session: Session) -> list[OnboardingTemplate]:
    return list(
        session.scalars(
            select(OnboardingTemplate).order_by(OnboardingTemplate.role_code, OnboardingTemplate.site_type)
        )
    )


def template_for(session: Session, employee: Employee) -> OnboardingTemplate | None:
    """The template for the person's role at their kind of site, else the role's template for any site."""
    role_code = session.scalar(select(Role.code).where(Role.id == employee.role_id))
    site_type = session.scalar(select(Site.site_type).where(Site.id == employee.site_id))
    found = list(
        session.scalars(
            select(OnboardingTemplate).where(
                OnboardingTemplate.role_code == role_code,
                or_(OnboardingTemplate.site_type == site_type, OnboardingTemplate.site_type == ANY_SITE_TYPE),
            )
        )
    )
    return min(found, key=lambda t: t.site_type == ANY_SITE_TYPE, default=None)


def _mentor(session: Session, employee: Employee, mentor_id: int | None) -> Employee | None:
    if mentor_id is None:
        return None
    mentor = session.get(Employee, mentor_id)
    if mentor is None:
        raise NotFound(f"No employee with id {mentor_id} to be the mentor.")
    if mentor.id == employee.id:
        raise BadRequest("A new hire cannot mentor themselves; choose a coworker at the site.")
    if mentor.site_id != employee.site_id:
        raise BadRequest(f"{mentor.name} works at another site; choose a mentor at {employee.name}'s site.")
    return mentor


def start_plan(
    session: Session,
    user: User,
    employee: Employee,
    *,
    template_id: int | None,
    mentor_id: int | None,
    started_on: dt.date,
) -> OnboardingPlan:
    ensure(can_coach(session, user, employee), COACHES_ONLY)
    if plan_of(session, employee) is not None:
        raise Conflict(f"{employee.name} already has an onboarding plan.")
    if template_id is None:
        template = template_for(session, employee)
        if template is None:
            raise BadRequest("No template fits this person's role and site; choose one from the list.")
    else:
        template = session.get(OnboardingTemplate, template_id)
        if template is None:
            raise NotFound(f"No onboarding template with id {template_id}.")
    mentor = _mentor(session, employee, mentor_id)
    plan = OnboardingPlan(
        employee_id=employee.id,
        template_name=template.name,
        mentor_employee_id=mentor.id if mentor else None,
        started_on=started_on,
        created_by_user_id=user.id,
        items=[
            OnboardingItem(
                position=position,
                code=item["code"],
                title=item["title"],
                detail=item.get("detail", ""),
                due_on=started_on + dt.timedelta(days=int(item["due_days"])),
                signed_off_by_name="",
                note="",
            )
            for position, item in enumerate(template.items)
        ],
    )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="onboarding.start",
        entity="onboarding_plans",
        entity_id=plan.id,
        after={
            "employee_id": employee.id,
            "template": template.name,
            "started_on": started_on.isoformat(),
            "mentor_employee_id": plan.mentor_employee_id,
        },
    )
    inbox.notify_employee(
        session, employee.id, "onboarding", f"Your onboarding plan is ready: {template.name}.", "/onboarding"
    )
    return require_plan(session, employee)


def item_by_code(plan: OnboardingPlan, code: str) -> OnboardingItem:
    item = next((i for i in plan.items if i.code == code), None)
    if item is None:
        raise NotFound(f"No step {shown(code)} in this onboarding plan.")
    return item


def set_mentor(session: Session, user: User, plan: OnboardingPlan, mentor_id: int | None) -> None:
    ensure(can_coach(session, user, plan.employee), COACHES_ONLY)
    mentor = _mentor(session, plan.employee, mentor_id)
    before = {"mentor_employee_id": plan.mentor_employee_id}
    plan.mentor_employee_id = mentor.id if mentor else None
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="onboarding.mentor",
        entity="onboarding_plans",
        entity_id=plan.id,
        before=before,
        after={"mentor_employee_id": plan.mentor_employee_id},
    )


def set_due(session: Session, user: User, plan: OnboardingPlan, code: str, due_on: dt.date) -> None:
    ensure(can_coach(session, user, plan.employee), COACHES_ONLY)
    item = item_by_code(plan, code)
    if due_on < plan.started_on:
        raise BadRequest("A step cannot be due before the plan started.")
    before = {"due_on": item.due_on.isoformat()}
    item.due_on = due_on
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="onboarding.due",
        entity="onboarding_items",
        entity_id=item.id,
        before=before,
        after={"due_on": due_on.isoformat()},
    )


def can_mark_done(user: User, plan: OnboardingPlan) -> bool:
    return user.employee_id is not None and user.employee_id == plan.employee_id


def mark_done(session: Session, user: User, plan: OnboardingPlan, code: str, today: dt.date) -> None:
    """The new hire says a step is done; it then waits for the site lead's sign-off."""
    if not can_mark_done(user, plan):
        raise Forbidden(NEW_HIRE_ONLY)
    item = item_by_code(plan, code)
    state = step_state(item)
    if state == SIGNED_OFF:
        raise Conflict(f"'{item.title}' is already signed off.")
    if state == DONE:
        raise Conflict(f"'{item.title}' is already marked done; it is waiting for the site lead's sign-off.")
    item.done_on = today
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="onboarding.done",
        entity="onboarding_items",
        entity_id=item.id,
        after={"employee_id": plan.employee_id, "step": code, "done_on": today.isoformat()},
    )


def sign_off(session: Session, user: User, plan: OnboardingPlan, code: str, note: str) -> None:
    ensure(can_sign_off_onboarding(session, user, plan.employee), SIGN_OFF_ONLY)
    item = item_by_code(plan, code)
    if item.signed_off_at is not None:
        raise Conflict(f"'{item.title}' was already signed off by {item.signed_off_by_name or 'someone'}.")
    if item.done_on is None:
        raise Conflict(
            f"'{item.title}' is still to do: {plan.employee.name} marks it done first, then you sign it off."
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise BadRequest(f"The note can be at most {MAX_NOTE} characters.")
    now = dt.datetime.now(dt.UTC)
    item.signed_off_at, item.signed_off_by_user_id, item.signed_off_by_name = now, user.id, user.name
    item.note = note
    session.flush()
    audit.record(
        session,
        actor_user_id=user.id,
        action="onboarding.sign_off",
        entity="onboarding_items",
        entity_id=item.id,
        after={"employee_id": plan.employee_id, "step": code, "note": note},
    )
    employee = plan.employee
    inbox.notify_employee(
        session, employee.id, "onboarding", f"{user.name} signed off: {item.title}.", "/onboarding"
    )
    if all(i.signed_off_at is not None for i in plan.items) and employee.manager_id is not None:
        inbox.notify_employee(
            session,
            employee.manager_id,
            "onboarding",
            f"{employee.name} has completed onboarding: every step is signed off.",
            f"/team/onboarding/{employee.id}",
        )
