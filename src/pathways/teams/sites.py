"""The site summary for a group lead or supervisor: each site's people, onboarding progress and this month's
coaching observations, in a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from pathways.competencies.models import Observation
from pathways.errors import NotFound, shown
from pathways.org.models import Employee, Site
from pathways.teams.models import OnboardingItem, OnboardingPlan
from pathways.teams.scope import Ids


@dataclass(frozen=True)
class SiteSummary:
    code: str
    name: str
    site_type: str
    people: int
    onboarding: int  # people with a plan still open
    steps: int
    signed_off: int
    overdue: int
    observations: int  # this month

    @property
    def onboarding_percent(self) -> int | None:
        return round(100 * self.signed_off / self.steps) if self.steps else None


def month_start(today: dt.date) -> dt.date:
    return today.replace(day=1)


def summaries(
    session: Session, scope: Ids, today: dt.date, site_code: str | None = None
) -> list[SiteSummary]:
    people = select(Employee.id, Employee.site_id).where(Employee.id.in_(scope)).subquery()
    counts: dict[int, int] = dict(
        session.execute(select(people.c.site_id, func.count()).group_by(people.c.site_id)).all()
    )
    open_step = OnboardingItem.signed_off_at.is_(None)
    onboarding = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                people.c.site_id,
                func.count(func.distinct(case((open_step, OnboardingPlan.id)))),
                func.count(OnboardingItem.id),
                func.count(OnboardingItem.signed_off_at),
                func.sum(case((and_(open_step, OnboardingItem.due_on < today), 1), else_=0)),
            )
            .join(OnboardingPlan, OnboardingPlan.employee_id == people.c.id)
            .join(OnboardingItem, OnboardingItem.plan_id == OnboardingPlan.id)
            .group_by(people.c.site_id)
        )
    }
    observed: dict[int, int] = dict(
        session.execute(
            select(people.c.site_id, func.count(Observation.id))
            .join(Observation, Observation.employee_id == people.c.id)
            .where(Observation.observed_on >= month_start(today))
            .group_by(people.c.site_id)
        ).all()
    )
    sites = select(Site).where(Site.id.in_(list(counts))).order_by(Site.name)
    if site_code is not None:
        sites = sites.where(Site.code == site_code)
    result = []
    for site in session.scalars(sites):
        plans, steps, signed, overdue = onboarding.get(site.id, (0, 0, 0, 0))
        result.append(
            SiteSummary(
                site.code,
                site.name,
                site.site_type,
                counts[site.id],
                plans,
                steps,
                signed,
                int(overdue or 0),
                observed.get(site.id, 0),
            )
        )
    return result


def site_in_scope(session: Session, scope: Ids, code: str, today: dt.date) -> SiteSummary:
    found = summaries(session, scope, today, code)
    if not found:
        if session.scalar(select(Site.id).where(Site.code == code)) is None:
            raise NotFound(f"No site with code {shown(code)}.")
        raise NotFound(f"Nobody at site {shown(code)} is in your scope.")
    return found[0]
