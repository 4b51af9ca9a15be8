"""/api/v1/onboarding: templates, plans in scope, starting a plan, and its steps."""

from fastapi import APIRouter

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.org.scope import InScope, visible_employee
from pathways.routing import CSRF, RowId, today
from pathways.teams import onboarding
from pathways.teams.common import Code, ref
from pathways.teams.models import OnboardingPlan, OnboardingTemplate
from pathways.teams.schemas import (
    OnboardingItemOut,
    OnboardingItemPatchIn,
    OnboardingPatchIn,
    OnboardingPlanOut,
    OnboardingStartIn,
    OnboardingStatusOut,
    SignOffIn,
    TemplateItemOut,
    TemplateOut,
)
from pathways.teams.scope import team_scope

router = APIRouter()


def template_out(t: OnboardingTemplate) -> TemplateOut:
    return TemplateOut(
        id=t.id,
        name=t.name,
        role=t.role_code,
        site_type=t.site_type,
        items=[TemplateItemOut(**item) for item in t.items],
    )


def plan_out(plan: OnboardingPlan) -> OnboardingPlanOut:
    progress = onboarding.progress(plan, today())
    return OnboardingPlanOut(
        employee=ref(plan.employee),
        site=plan.employee.site.code,
        template_name=plan.template_name,
        mentor=ref(plan.mentor) if plan.mentor else None,
        started_on=plan.started_on,
        steps=progress.total,
        signed_off=progress.signed_off,
        overdue=progress.overdue,
        percent=progress.percent,
        items=[
            OnboardingItemOut(
                code=i.code,
                title=i.title,
                detail=i.detail,
                state=onboarding.step_state(i),
                due_on=i.due_on,
                done_on=i.done_on,
                signed_off_at=i.signed_off_at,
                signed_off_by=i.signed_off_by_name,
                note=i.note,
                overdue=i.signed_off_at is None and i.due_on < today(),
            )
            for i in plan.items
        ],
    )


@router.get("/api/v1/onboarding/templates", response_model=list[TemplateOut], tags=["onboarding"])
def list_templates(session: DbSession, user: CurrentUser) -> list[TemplateOut]:
    """Checklist templates per role and site type ("any" fits every site type)."""
    return [template_out(t) for t in onboarding.templates(session)]


@router.get("/api/v1/onboarding", response_model=list[OnboardingPlanOut], tags=["onboarding"])
def list_plans(session: DbSession, user: CurrentUser) -> list[OnboardingPlanOut]:
    """Onboarding plans of the people in your team scope (site lead: your site; supervisor: your reports)."""
    return [plan_out(p) for p in onboarding.plans_in(session, team_scope(session, user).ids)]


@router.post(
    "/api/v1/onboarding",
    response_model=OnboardingPlanOut,
    status_code=201,
    tags=["onboarding"],
    dependencies=CSRF,
)
def start_plan(body: OnboardingStartIn, session: DbSession, user: CurrentUser) -> OnboardingPlanOut:
    """Start a person's onboarding plan from a template (by default the one for their role and site type)."""
    employee = visible_employee(session, user, body.employee_id)
    plan = onboarding.start_plan(
        session,
        user,
        employee,
        template_id=body.template_id,
        mentor_id=body.mentor_employee_id,
        started_on=body.started_on or today(),
    )
    return plan_out(plan)


@router.get("/api/v1/onboarding/{employee_id}", response_model=OnboardingStatusOut, tags=["onboarding"])
def get_plan(employee: InScope, session: DbSession, user: CurrentUser) -> OnboardingStatusOut:
    """A person's onboarding plan (null when none is started) and the template that fits them."""
    plan = onboarding.plan_of(session, employee)
    suggested = onboarding.template_for(session, employee)
    return OnboardingStatusOut(
        employee=ref(employee),
        plan=plan_out(plan) if plan else None,
        suggested_template=template_out(suggested) if suggested else None,
    )


@router.patch(
    "/api/v1/onboarding/{employee_id}",
    response_model=OnboardingPlanOut,
    tags=["onboarding"],
    dependencies=CSRF,
)
def patch_plan(
    employee_id: RowId, body: OnboardingPatchIn, session: DbSession, user: CurrentUser
) -> OnboardingPlanOut:
    """Change (or clear, with null) the mentor."""
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.set_mentor(session, user, plan, body.mentor_employee_id)
    return plan_out(onboarding.require_plan(session, plan.employee))


@router.patch(
    "/api/v1/onboarding/{employee_id}/items/{code}",
    response_model=OnboardingPlanOut,
    tags=["onboarding"],
    dependencies=CSRF,
)
def patch_item(
    employee_id: RowId, code: Code, body: OnboardingItemPatchIn, session: DbSession, user: CurrentUser
) -> OnboardingPlanOut:
    """Move a step's due date."""
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.set_due(session, user, plan, code, body.due_on)
    return plan_out(onboarding.require_plan(session, plan.employee))


@router.post(
    "/api/v1/onboarding/{employee_id}/items/{code}/done",
    response_model=OnboardingPlanOut,
    tags=["onboarding"],
    dependencies=CSRF,
)
def tick_item(employee_id: RowId, code: Code, session: DbSession, user: CurrentUser) -> OnboardingPlanOut:
    """The new hire marks a step as done; it still needs the site lead's sign-off."""
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.mark_done(session, user, plan, code, today())
    return plan_out(onboarding.require_plan(session, plan.employee))


@router.post(
    "/api/v1/onboarding/{employee_id}/items/{code}/sign-off",
    response_model=OnboardingPlanOut,
    tags=["onboarding"],
    dependencies=CSRF,
)
def sign_off_item(
    employee_id: RowId, code: Code, session: DbSession, user: CurrentUser, body: SignOffIn | None = None
) -> OnboardingPlanOut:
    """The site lead signs a step off, with an optional note (audited; the new hire is told, and their
    supervisor once every step is)."""
    plan = onboarding.require_plan(session, visible_employee(session, user, employee_id))
    onboarding.sign_off(session, user, plan, code, body.note if body else "")
    return plan_out(onboarding.require_plan(session, plan.employee))
