from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pathways.auth.dependencies import CurrentUser
from pathways.competencies import service
from pathways.competencies.models import Competency
from pathways.competencies.schemas import CompetencyDetailOut, CompetencyOut, LevelOut, RoleRequirementOut
from pathways.deps import DbSession
from pathways.learning import service as learning_service
from pathways.web import render

router = APIRouter()


@router.get("/competencies", include_in_schema=False)
def library_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    competencies = service.list_competencies(session)
    context = {
        "scale": service.proficiency_scale(session),
        "groups": service.grouped_by_kind(competencies),
        "kinds": service.KINDS,
    }
    return render(request, "competencies/library.html", context)


@router.get("/competencies/{code}", include_in_schema=False)
def competency_page(request: Request, code: str, session: DbSession, user: CurrentUser) -> HTMLResponse:
    competency = service.get_competency(session, code)
    context = {
        "competency": competency,
        "courses": learning_service.courses_building(session, competency),
        "roles": service.roles_requiring(session, competency),
        "modalities": learning_service.MODALITIES,
    }
    return render(request, "competencies/competency.html", context)


def _competency_out(competency: Competency, level_names: dict[int, str]) -> CompetencyOut:
    return CompetencyOut(
        code=competency.code,
        name=competency.name,
        kind=competency.kind,
        definition=competency.definition,
        levels=[
            LevelOut(level=row.level, name=level_names.get(row.level, ""), behaviour=row.behaviour)
            for row in competency.levels
        ],
    )


@router.get("/api/v1/competencies", response_model=list[CompetencyOut], tags=["competencies"])
def list_competencies(session: DbSession, user: CurrentUser) -> list[CompetencyOut]:
    level_names = service.level_names(session)
    return [_competency_out(c, level_names) for c in service.list_competencies(session, with_levels=True)]


@router.get("/api/v1/competencies/{code}", response_model=CompetencyDetailOut, tags=["competencies"])
def get_competency(code: str, session: DbSession, user: CurrentUser) -> CompetencyDetailOut:
    competency = service.get_competency(session, code)
    summary = _competency_out(competency, service.level_names(session))
    return CompetencyDetailOut(
        **summary.model_dump(),
        courses=[course.code for course in learning_service.courses_building(session, competency)],
        required_by=[
            RoleRequirementOut(role=r.role_code, role_name=r.role_name, level=r.level)
            for r in service.roles_requiring(session, competency)
        ],
    )
