from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from pathways.careers.models import Role, role_required_courses
from pathways.competencies.models import Competency
from pathways.errors import AppError, NotFound, shown
from pathways.learning.models import Course, course_competencies, course_prerequisites

MODALITIES = {"e-learning": "E-learning", "classroom": "Classroom", "on-the-job": "On the job"}


@dataclass(frozen=True)
class DurationBand:
    label: str
    above: Decimal | None  # exclusive lower bound
    up_to: Decimal | None  # inclusive upper bound


DURATION_BANDS = {
    "short": DurationBand("Up to 1 hour", None, Decimal(1)),
    "medium": DurationBand("More than 1, up to 4 hours", Decimal(1), Decimal(4)),
    "long": DurationBand("More than 4 hours", Decimal(4), None),
}
MAX_SEARCH_TERMS = 10
LONGEST_COURSE_HOURS = Decimal(1000)


class InvalidFilter(AppError):
    status_code = 422


@dataclass(frozen=True)
class CourseFilters:
    q: str = ""
    competency: str | None = None
    modality: str | None = None
    duration: str | None = None
    max_hours: Decimal | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.competency or self.modality or self.duration or self.max_hours is not None)


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_course_filters(
    q: str | None = None,
    competency: str | None = None,
    modality: str | None = None,
    duration: str | None = None,
    max_hours: str | None = None,
) -> CourseFilters:
    # Forms send empty strings for controls left alone; those mean "any".
    modality = _blank_to_none(modality)
    if modality is not None and modality not in MODALITIES:
        allowed = ", ".join(MODALITIES)
        raise InvalidFilter(f"Unknown modality '{modality}'. Choose one of: {allowed}.")
    duration = _blank_to_none(duration)
    if duration is not None and duration not in DURATION_BANDS:
        allowed = ", ".join(DURATION_BANDS)
        raise InvalidFilter(f"Unknown duration '{duration}'. Choose one of: {allowed}.")
    hours_text = _blank_to_none(max_hours)
    hours: Decimal | None = None
    if hours_text is not None:
        try:
            hours = Decimal(hours_text)
        except InvalidOperation:
            hours = None
        if hours is None or not hours.is_finite():
            raise InvalidFilter(f"Maximum hours must be a number, such as 2 or 1.5; got '{hours_text}'.")
        if not Decimal(0) < hours <= LONGEST_COURSE_HOURS:
            raise InvalidFilter(f"Maximum hours must be more than 0 and at most {LONGEST_COURSE_HOURS}.")
    return CourseFilters(
        q=" ".join((q or "").split()),
        competency=_blank_to_none(competency),
        modality=modality,
        duration=duration,
        max_hours=hours,
    )


def _text_matches(q: str) -> list[ColumnElement[bool]]:
    # Every word must appear somewhere (code, title or summary); icontains is lower() LIKE on both databases.
    return [
        or_(
            Course.code.icontains(term, autoescape=True),
            Course.title.icontains(term, autoescape=True),
            Course.summary.icontains(term, autoescape=True),
        )
        for term in q.split()[:MAX_SEARCH_TERMS]
    ]


def search_courses(session: Session, filters: CourseFilters) -> list[Course]:
    conditions: list[ColumnElement[bool]] = _text_matches(filters.q)
    if filters.competency is not None:
        competency_id = session.scalar(select(Competency.id).where(Competency.code == filters.competency))
        if competency_id is None:
            raise InvalidFilter(
                f"No competency with code '{filters.competency}'. "
                "Choose one from the list, or clear the filter."
            )
        conditions.append(Course.competencies.any(Competency.id == competency_id))
    if filters.modality is not None:
        conditions.append(Course.modality == filters.modality)
    if filters.duration is not None:
        band = DURATION_BANDS[filters.duration]
        if band.above is not None:
            conditions.append(Course.hours > band.above)
        if band.up_to is not None:
            conditions.append(Course.hours <= band.up_to)
    if filters.max_hours is not None:
        conditions.append(Course.hours <= filters.max_hours)
    query = (
        select(Course)
        .where(*conditions)
        .options(selectinload(Course.competencies), selectinload(Course.prerequisites))
        .order_by(Course.code)
    )
    return list(session.scalars(query))


def courses_building(session: Session, competency: Competency) -> list[Course]:
    query = (
        select(Course)
        .join(course_competencies, course_competencies.c.course_id == Course.id)
        .where(course_competencies.c.competency_id == competency.id)
        .order_by(Course.level, Course.code)
    )
    return list(session.scalars(query))


def get_course(session: Session, code: str) -> Course:
    course = session.scalar(
        select(Course)
        .where(Course.code == code)
        .options(selectinload(Course.competencies), selectinload(Course.prerequisites))
    )
    if course is None:
        raise NotFound(f"No course with code {shown(code)}.")
    return course


def courses_needing(session: Session, course: Course) -> list[Course]:
    query = (
        select(Course)
        .join(course_prerequisites, course_prerequisites.c.course_id == Course.id)
        .where(course_prerequisites.c.prerequisite_id == course.id)
        .order_by(Course.code)
    )
    return list(session.scalars(query))


def roles_requiring(session: Session, course: Course) -> list[Role]:
    query = (
        select(Role)
        .join(role_required_courses, role_required_courses.c.role_id == Role.id)
        .where(role_required_courses.c.course_id == course.id)
        .order_by(Role.position, Role.name)
    )
    return list(session.scalars(query))


def lms_url(course: Course, lms_base_url: str) -> str:
    # lms_id is normally the full xAPI activity id; a bare id is resolved against the LMS host.
    if urlsplit(course.lms_id).scheme in ("http", "https"):
        return course.lms_id
    return f"{lms_base_url.rstrip('/')}/{course.lms_id.lstrip('/')}"
