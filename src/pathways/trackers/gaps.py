"""The gap analysis: how far an employee is from a target role, requirement by requirement.

Current levels come from competencies.evidence (the one shared rule, read once per page with what each level
comes from); this module only compares.
"""

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.careers.models import PathEdge
from pathways.certifications import service as certification_rules
from pathways.competencies import evidence
from pathways.competencies.evidence import CurrentLevel, Evidence
from pathways.trackers.models import CareerTracker

BASIS_TEXT = {
    "manager rating": "supervisor's latest rating",
    "evidence": "highest level shown by courses, observations or practice",
    "none": "no rating or evidence yet",
}
# An observer's note can run to paragraphs; the gap table shows its start.
DETAIL_CHARS = 80


@dataclass(frozen=True)
class CompetencyGap:
    code: str
    name: str
    required: int
    current: int
    basis: str
    self_rating: int | None
    manager_rating: int | None
    source: str = ""  # which rating, course, observation or practice set, and when

    @property
    def gap(self) -> int:
        return max(self.required - self.current, 0)

    @property
    def met(self) -> bool:
        return self.current >= self.required

    @property
    def basis_text(self) -> str:
        category = BASIS_TEXT.get(self.basis, self.basis)
        if self.basis == "evidence" and self.source:
            return f"evidence: {self.source}"
        return f"{category}, {self.source}" if self.source else category


@dataclass(frozen=True)
class Readiness:
    reached: int  # sum of min(current, required)
    required: int  # sum of required levels
    met: int  # competencies fully met
    count: int  # competencies required

    @property
    def proportional(self) -> float:
        return 1.0 if self.required == 0 else self.reached / self.required

    @property
    def percent(self) -> int:
        return round(self.proportional * 100)

    @property
    def met_percent(self) -> int:
        return 100 if self.count == 0 else round(self.met * 100 / self.count)


@dataclass(frozen=True)
class TimeInRole:
    current_role: str
    months: int
    typical_months: int | None  # None when the lattice has no direct move

    @property
    def met(self) -> bool | None:
        return None if self.typical_months is None else self.months >= self.typical_months

    @property
    def message(self) -> str:
        if self.typical_months is None:
            return (
                f"{self.months} months as {self.current_role}; the lattice has no direct move to this role."
            )
        return f"{self.months} of the usual {self.typical_months} months as {self.current_role}."


@dataclass(frozen=True)
class CertificationStatus:
    name: str
    required: bool
    held: bool  # for a kind: a verified, unexpired certificate (certifications.service); else ticked
    verified: bool
    kind: str | None = None  # recorded on the certifications page, not ticked on the tracker
    status: str = ""  # the kind's standing: valid, awaiting verification, expired, or "" (none)


@dataclass(frozen=True)
class RequiredCourse:
    course_id: int
    code: str
    title: str
    completed: bool
    planned_quarter: str | None


@dataclass(frozen=True)
class GapAnalysis:
    competencies: list[CompetencyGap]
    readiness: Readiness
    time_in_role: TimeInRole
    certifications: list[CertificationStatus]
    required_courses: list[RequiredCourse]

    @property
    def gaps(self) -> list[CompetencyGap]:
        return [c for c in self.competencies if c.gap > 0]

    @property
    def open_requirements(self) -> int:
        certs = sum(1 for c in self.certifications if c.required and not c.held)
        courses = sum(1 for c in self.required_courses if not c.completed)
        return len(self.gaps) + certs + courses + (1 if self.time_in_role.met is False else 0)


def months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(months - (1 if end.day < start.day else 0), 0)


def typical_months_from(session: Session, from_role_id: int) -> dict[int, int]:
    rows = session.execute(
        select(PathEdge.to_role_id, PathEdge.typical_months).where(PathEdge.from_role_id == from_role_id)
    )
    return {to_role: months for to_role, months in rows}


@dataclass(frozen=True)
class EmployeeRecord:
    """What the analysis needs about the employee, loaded once and shared by all their trackers."""

    levels: dict[str, CurrentLevel]
    completed: set[str]
    typical_months: dict[int, int]
    current_role: str
    sources: dict[str, str] = field(default_factory=dict)  # competency code -> where its level comes from
    certifications: dict[str, certification_rules.Standing] = field(default_factory=dict)  # by kind code


def shorten(text: str, limit: int = DETAIL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def evidence_text(item: Evidence) -> str:
    on = item.on.isoformat()
    if item.source == "course":
        return f"course {item.detail}, completed {on}"
    if item.source == "observation":
        return f"observation on {on}: \u201c{shorten(item.detail)}\u201d"
    if item.source == "practice":
        return f"{shorten(item.detail)}, {on}"
    return f"{item.source}: {shorten(item.detail)}, {on}"


def rating_text(rated: evidence.Rated) -> str:
    on = rated.at.date().isoformat() if rated.at else "an unknown date"
    return f"by {rated.by} on {on}" if rated.by else f"on {on}"


def level_sources(record: evidence.Record) -> dict[str, str]:
    """Where each current level comes from: the rating counted, or the evidence that shows the level."""
    sources = {}
    for code, current in record.levels.items():
        if current.basis == "manager rating" and code in record.rated:
            sources[code] = rating_text(record.rated[code])
        elif current.basis == "evidence" and code in record.shown:
            sources[code] = evidence_text(record.shown[code])
    return sources


def employee_record(session: Session, tracker: CareerTracker) -> EmployeeRecord:
    employee = tracker.employee
    record = evidence.record_for(session, employee.id)  # the person's evidence and ratings, read once
    return EmployeeRecord(
        levels=record.levels,
        completed=evidence.completed_courses(session, employee.id),
        typical_months=typical_months_from(session, employee.role_id),
        current_role=employee.role.name,
        sources=level_sources(record),
        certifications=certification_rules.standings(session, [employee.id], dt.date.today()).get(
            employee.id, {}
        ),
    )


def analyse(tracker: CareerTracker, record: EmployeeRecord, today: dt.date | None = None) -> GapAnalysis:
    # Needs tracker.role (requirements, competencies, required courses), employee, certifications, courses.
    role = tracker.role
    competencies = []
    for requirement in role.requirements:
        code = requirement.competency.code
        current = record.levels.get(code)
        competencies.append(
            CompetencyGap(
                code=code,
                name=requirement.competency.name,
                required=requirement.level,
                current=current.level if current else 0,
                basis=current.basis if current else "none",
                self_rating=current.self_rating if current else None,
                manager_rating=current.manager_rating if current else None,
                source=record.sources.get(code, ""),
            )
        )
    readiness = Readiness(
        reached=sum(min(c.current, c.required) for c in competencies),
        required=sum(c.required for c in competencies),
        met=sum(1 for c in competencies if c.met),
        count=len(competencies),
    )
    time_in_role = TimeInRole(
        current_role=record.current_role,
        months=months_between(tracker.employee.role_since, today or dt.date.today()),
        typical_months=record.typical_months.get(role.id),
    )
    certification_statuses = [_certification_status(item, tracker, record) for item in role.certifications]
    planned = {item.course_id: item.quarter for item in tracker.courses}
    required_courses = [
        RequiredCourse(c.id, c.code, c.title, c.code in record.completed, planned.get(c.id))
        for c in role.required_courses
    ]
    return GapAnalysis(competencies, readiness, time_in_role, certification_statuses, required_courses)


def _certification_status(
    item: dict[str, object], tracker: CareerTracker, record: EmployeeRecord
) -> CertificationStatus:
    name, required, kind = str(item["name"]), bool(item.get("required")), item.get("kind")
    if isinstance(kind, str):
        # The one rule readiness uses everywhere: met only by a verified certificate that has not expired.
        met = not certification_rules.missing_required([{**item, "required": True}], record.certifications)
        standing = record.certifications.get(kind)
        return CertificationStatus(name, required, met, met, kind, standing.status if standing else "")
    ticked = next((c for c in tracker.certifications if c.name == name), None)
    return CertificationStatus(name, required, ticked is not None, bool(ticked and ticked.verified_at))
