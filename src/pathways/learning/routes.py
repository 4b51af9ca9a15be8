from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pathways.auth.dependencies import CurrentUser
from pathways.competencies import service as competencies_service
from pathways.config import Settings
from pathways.deps import DbSession
from pathways.learning import service
from pathways.learning.models import Course
from pathways.learning.schemas import CourseDetailOut, CourseOut, RoleRefOut
from pathways.web import render

router = APIRouter()

SearchText = Annotated[
    str | None, Query(max_length=200, description="Words to find in the course code, title or summary.")
]
CompetencyCode = Annotated[
    str | None, Query(max_length=64, description="A competency code, e.g. phlebotomy.")
]
Modality = Annotated[
    str | None, Query(max_length=32, description="One of e-learning, classroom, on-the-job.")
]
Duration = Annotated[
    str | None,
    Query(max_length=16, description="short (up to 1 h), medium (over 1 h, up to 4 h) or long (over 4 h)."),
]
MaxHours = Annotated[
    str | None, Query(max_length=16, description="Longest course to list, in hours, e.g. 2.5.")
]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/courses", include_in_schema=False)
def catalog_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    q: SearchText = None,
    competency: CompetencyCode = None,
    modality: Modality = None,
    duration: Duration = None,
    max_hours: MaxHours = None,
) -> HTMLResponse:
    form = {
        "q": q or "",
        "competency": competency or "",
        "modality": modality or "",
        "duration": duration or "",
        "max_hours": max_hours or "",
    }
    competencies = competencies_service.list_competencies(session)
    context: dict[str, Any] = {
        "form": form,
        "competency_groups": competencies_service.grouped_by_kind(competencies),
        "kinds": competencies_service.KINDS,
        "modalities": service.MODALITIES,
        "bands": service.DURATION_BANDS,
        "error": None,
        "courses": [],
        "filtered": any(form.values()),
    }
    status_code = 200
    try:
        filters = service.parse_course_filters(q, competency, modality, duration, max_hours)
        context["courses"] = service.search_courses(session, filters)
    except service.InvalidFilter as exc:
        # The form stays on screen with the values kept, so the user can fix the one that is wrong.
        context["error"] = exc.message
        status_code = exc.status_code
    return render(request, "learning/catalog.html", context, status_code=status_code)


@router.get("/courses/{code}", include_in_schema=False)
def course_page(request: Request, code: str, session: DbSession, user: CurrentUser) -> HTMLResponse:
    course = service.get_course(session, code)
    context = {
        "course": course,
        "modalities": service.MODALITIES,
        "needed_by": service.courses_needing(session, course),
        "roles": service.roles_requiring(session, course),
        "lms_url": service.lms_url(course, _settings(request).lms_base_url),
    }
    return render(request, "learning/course.html", context)


def _course_out(course: Course, lms_base_url: str) -> CourseOut:
    return CourseOut(
        code=course.code,
        title=course.title,
        summary=course.summary,
        modality=course.modality,
        hours=float(course.hours),
        level=course.level,
        competencies=[competency.code for competency in course.competencies],
        prerequisites=[prerequisite.code for prerequisite in course.prerequisites],
        lms_url=service.lms_url(course, lms_base_url),
    )


@router.get("/api/v1/courses", response_model=list[CourseOut], tags=["learning"])
def list_courses(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    q: SearchText = None,
    competency: CompetencyCode = None,
    modality: Modality = None,
    duration: Duration = None,
    max_hours: MaxHours = None,
) -> list[CourseOut]:
    filters = service.parse_course_filters(q, competency, modality, duration, max_hours)
    lms_base_url = _settings(request).lms_base_url
    return [_course_out(course, lms_base_url) for course in service.search_courses(session, filters)]


@router.get("/api/v1/courses/{code}", response_model=CourseDetailOut, tags=["learning"])
def get_course(request: Request, code: str, session: DbSession, user: CurrentUser) -> CourseDetailOut:
    course = service.get_course(session, code)
    summary = _course_out(course, _settings(request).lms_base_url)
    return CourseDetailOut(
        **summary.model_dump(),
        needed_by=[needing.code for needing in service.courses_needing(session, course)],
        required_by_roles=[
            RoleRefOut(code=role.code, name=role.name) for role in service.roles_requiring(session, course)
        ],
    )
