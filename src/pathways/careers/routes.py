from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from pathways.auth.dependencies import CurrentUser
from pathways.careers import service
from pathways.careers.schemas import (
    PathOut,
    RoleDetailOut,
    RoleSummaryOut,
    path_out,
    role_detail_out,
    role_summary_out,
)
from pathways.deps import DbSession
from pathways.errors import AppError
from pathways.web import render

router = APIRouter()

RoleCode = Annotated[str, Path(max_length=64, description="Role code, e.g. psr-2")]
CompareCode = Annotated[str | None, Query(max_length=64, description="Code of a role to compare")]


@router.get("/roles", response_class=HTMLResponse, include_in_schema=False)
def roles_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    roles = service.list_roles(session)
    edges = service.list_edges(session)
    context = {
        "lattice": Markup(service.lattice_svg(roles, edges)),  # noqa: S704 - built from escaped parts
        "edges": edges,
        "families": service.roles_by_family(roles),
    }
    return render(request, "careers/roles.html", context)


# Declared before /roles/{code}, which would otherwise take "compare" for a role code.
@router.get("/roles/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(
    request: Request, session: DbSession, user: CurrentUser, a: CompareCode = None, b: CompareCode = None
) -> HTMLResponse:
    roles = service.list_roles(session)
    context: dict[str, object] = {
        "roles": roles,
        "a": a or "",
        "b": b or "",
        "comparison": None,
        "error": None,
    }
    status_code = 200
    if a or b:
        try:
            if not (a and b):
                raise AppError("Choose two roles to compare.", 400)
            context["comparison"] = service.compare_roles(session, a, b)
        except AppError as error:
            # The form stays on the page, so the user can pick again.
            context["error"], status_code = error.message, error.status_code
    return render(request, "careers/compare.html", context, status_code)


@router.get("/roles/{code}", response_class=HTMLResponse, include_in_schema=False)
def role_page(request: Request, session: DbSession, user: CurrentUser, code: RoleCode) -> HTMLResponse:
    profile = service.role_profile(session, code)
    others = [role for role in service.list_roles(session) if role.id != profile.role.id]
    context = {
        "profile": profile,
        "role": profile.role,
        "family": service.family_label(profile.role.family),
        "others": others,
    }
    return render(request, "careers/role.html", context)


@router.get("/api/v1/roles", response_model=list[RoleSummaryOut], tags=["careers"])
def api_roles(session: DbSession, user: CurrentUser) -> list[RoleSummaryOut]:
    return [role_summary_out(role) for role in service.list_roles(session)]


@router.get(
    "/api/v1/roles/{code}",
    response_model=RoleDetailOut,
    tags=["careers"],
    responses={404: {"description": "No role has this code"}},
)
def api_role(session: DbSession, user: CurrentUser, code: RoleCode) -> RoleDetailOut:
    return role_detail_out(service.role_profile(session, code))


@router.get("/api/v1/paths", response_model=list[PathOut], tags=["careers"])
def api_paths(session: DbSession, user: CurrentUser) -> list[PathOut]:
    return [path_out(edge) for edge in service.list_edges(session)]
