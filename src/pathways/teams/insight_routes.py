"""Bench strength, team analytics and the site summary: pages, CSV downloads and JSON."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from pathways.auth.dependencies import CurrentUser
from pathways.auth.permissions import analytics_employee_ids, is_admin, is_regional_manager
from pathways.careers.models import Role
from pathways.competencies import observations
from pathways.csvfile import csv_response, csv_text
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.org.models import Employee, Region, Site
from pathways.routing import today
from pathways.teams import analytics, bench, charts, onboarding, sites
from pathways.teams.common import Code, ShortText
from pathways.teams.schemas import (
    BenchCandidateOut,
    BenchCountsOut,
    BenchGroupOut,
    BenchOut,
    BenchRegionOut,
    BenchRoleOut,
    EmployeeRefOut,
)
from pathways.teams.scope import analytics_ids, team_scope
from pathways.web import render

router = APIRouter()
CHARTS = ("heatmap", "readiness", "compliance")


def counts_out(counts: Any) -> BenchCountsOut:
    return BenchCountsOut(ready_now=counts["now"], within_6_months=counts["soon"], later=counts["later"])


def bench_out(result: bench.Bench) -> BenchOut:
    return BenchOut(
        method=result.method,
        method_text=result.method_text,
        today=result.today,
        region=result.region,
        roles=[
            BenchRoleOut(
                role=r.code,
                role_name=r.name,
                counts=counts_out(r.counts),
                regions=[
                    BenchRegionOut(
                        code=g.code,
                        name=g.name,
                        counts=counts_out(g.counts),
                        sites=[
                            BenchGroupOut(code=s.code, name=s.name, counts=counts_out(s.counts))
                            for s in g.sites.values()
                        ],
                    )
                    for g in r.regions
                ],
                candidates=[
                    BenchCandidateOut(
                        employee=EmployeeRefOut(id=c.employee_id, name=c.name),
                        current_role=c.current_role,
                        site=c.site_code,
                        region=c.region_code,
                        months_in_role=c.months_in_role,
                        typical_months=c.typical_months,
                        tracking=c.tracking,
                        ready_on=c.ready_on,
                        course_hours=c.hours,
                        bucket=c.bucket,
                    )
                    for c in r.candidates
                ],
            )
            for r in result.roles
        ],
    )


def _role_names(session: DbSession, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    names = dict(session.execute(select(Role.code, Role.name).where(Role.code.in_(codes))).all())
    return [(code, names[code]) for code in codes if code in names]


def _regions(session: DbSession) -> list[Any]:
    return list(session.execute(select(Region.code, Region.name).order_by(Region.name)).all())


@router.get("/team/bench", include_in_schema=False)
def bench_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    role: ShortText = None,
    region: ShortText = None,
    method: ShortText = None,
) -> HTMLResponse:
    scope = analytics_ids(session, user)
    context: dict[str, Any] = {
        "role": role or "",
        "region": region or "",
        "method": method or "auto",
        "regions": _regions(session),
        "bench_roles": _role_names(session, bench.BENCH_ROLES),
        "buckets": bench.BUCKETS,
        "result": None,
        "error": None,
    }
    status = 200
    try:
        context["result"] = bench.build_bench(
            session, scope, today(), role=role or None, region=region or None, method=method or "auto"
        )
    except AppError as exc:
        context["error"], status = exc.message, exc.status_code
    return render(request, "teams/bench.html", context, status_code=status)


@router.get("/team/bench.csv", include_in_schema=False)
def bench_csv(
    session: DbSession,
    user: CurrentUser,
    role: ShortText = None,
    region: ShortText = None,
    method: ShortText = None,
) -> Response:
    result = bench.build_bench(
        session,
        analytics_ids(session, user),
        today(),
        role=role or None,
        region=region or None,
        method=method or "auto",
    )
    header = [
        "target_role",
        "employee",
        "current_role",
        "site",
        "region",
        "months_in_role",
        "typical_months",
        "tracking",
        "ready_on",
        "course_hours",
        "bucket",
        "method",
    ]
    rows = (
        [
            r.code,
            c.name,
            c.current_role,
            c.site_name,
            c.region_name,
            c.months_in_role,
            c.typical_months or "",
            "yes" if c.tracking else "no",
            c.ready_on.isoformat() if c.ready_on else "",
            c.hours,
            bench.BUCKETS[c.bucket],
            result.method,
        ]
        for r in result.roles
        for c in r.candidates
    )
    return csv_response(csv_text(header, rows), "bench.csv")


@router.get("/api/v1/bench", response_model=BenchOut, tags=["teams"])
def bench_api(
    session: DbSession,
    user: CurrentUser,
    role: ShortText = None,
    region: ShortText = None,
    method: ShortText = None,
) -> BenchOut:
    """Who in your analytics scope is ready for Site Lead, Float and Supervisor (or `role`): now, within six
    months, or later, per region and site. `method`: auto (default), exact or estimate."""
    result = bench.build_bench(
        session,
        analytics_ids(session, user),
        today(),
        role=role or None,
        region=region or None,
        method=method or "auto",
    )
    return bench_out(result)


def _analytics(
    session: DbSession, user: CurrentUser, region: str | None, site: str | None, group: str | None
) -> analytics.Analytics:
    # A region (12,500 people) stays a subquery: as a list it would be 12,500 parameters in every statement.
    # A supervisor's reporting line is run once (org.scope.report_ids); an admin's scope is a plain select.
    scope = (
        analytics_employee_ids(session, user)
        if is_regional_manager(session, user)
        else analytics_ids(session, user)
    )
    ids = analytics.narrowed(session, scope, region, site)
    return analytics.build(session, ids, today(), group or "auto")


@router.get("/team/analytics", include_in_schema=False)
def analytics_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    region: ShortText = None,
    site: ShortText = None,
    group: ShortText = None,
) -> HTMLResponse:
    scope_text = (
        "everyone" if is_admin(user) else "your region" if is_regional_manager(session, user) else "your team"
    )
    context: dict[str, Any] = {
        "region": region or "",
        "site": site or "",
        "group": group or "auto",
        "regions": _regions(session),
        "groups": analytics.GROUPS,
        "scope_text": scope_text,
        "data": None,
        "error": None,
    }
    status = 200
    try:
        data = _analytics(session, user, region, site, group)
        context.update(
            data=data,
            heat_svg=charts.heat_map(data.heat),
            readiness_svg=charts.bar_chart(data.readiness, "Readiness toward tracked roles", "readiness"),
            compliance_svg=charts.line_chart(
                data.compliance, "Required learning completed by due month", "compliance"
            ),
            gap_fill=charts.gap_fill,
        )
    except AppError as exc:
        if exc.status_code == 403:
            raise
        context["error"], status = exc.message, exc.status_code
    return render(request, "teams/analytics.html", context, status_code=status)


@router.get("/team/analytics.csv", include_in_schema=False)
def analytics_csv(
    session: DbSession,
    user: CurrentUser,
    chart: ShortText = None,
    region: ShortText = None,
    site: ShortText = None,
    group: ShortText = None,
) -> Response:
    if chart not in CHARTS:
        raise analytics.InvalidAnalyticsQuery(f"Choose chart= one of: {', '.join(CHARTS)}.")
    data = _analytics(session, user, region, site, group)
    if chart == "heatmap":
        header = [data.heat.group, "people", *(code for code, _ in data.heat.columns)]
        rows: Any = ([r.label, r.people, *("" if g is None else g for g in r.gaps)] for r in data.heat.rows)
    elif chart == "readiness":
        header, rows = ["readiness", "trackers"], data.readiness
    else:
        header = ["month", "due", "completed", "percent"]
        rows = ([m.month, m.due, m.done, "" if m.percent is None else m.percent] for m in data.compliance)
    return csv_response(csv_text(header, rows), f"{chart}.csv")


@router.get("/team/sites", include_in_schema=False)
def sites_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    scope = team_scope(session, user)
    context = {"scope": scope, "sites": sites.summaries(session, scope.ids, today()), "month": today()}
    return render(request, "teams/sites.html", context)


@router.get("/team/sites/{code}", include_in_schema=False)
def site_page(request: Request, code: Code, session: DbSession, user: CurrentUser) -> HTMLResponse:
    scope = team_scope(session, user)
    summary = sites.site_in_scope(session, scope.ids, code, today())
    at_site = (
        select(Employee.id)
        .where(Employee.id.in_(scope.ids))
        .where(Employee.site_id.in_(select(Site.id).where(Site.code == code)))
    )
    people = session.execute(
        select(Employee.id, Employee.name, Employee.role_since, Role.name)
        .join(Role, Role.id == Employee.role_id)
        .where(Employee.id.in_(at_site))
        .order_by(Employee.name)
    ).all()
    plans = {
        p.employee_id: (p, onboarding.progress(p, today())) for p in onboarding.plans_in(session, at_site)
    }
    month_notes = observations.observations_of(session, at_site, since=sites.month_start(today()))
    context = {
        "site": summary,
        "people": people,
        "plans": plans,
        "observations": month_notes,
        "observers": observations.observer_names(session, month_notes),
        "names": {p.id: p.name for p in people},
        "today": today(),
    }
    return render(request, "teams/site.html", context)
