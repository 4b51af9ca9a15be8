"""Loads validated content into the database in place: rows are matched by code, so loading is idempotent."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pathways.careers.models import PathEdge, Role, RoleCompetency
from pathways.certifications.models import CertificationKind
from pathways.competencies import level_summary
from pathways.competencies.models import Competency, CompetencyLevel, ProficiencyLevel
from pathways.content.reader import Content, read_content
from pathways.content.schemas import CourseItem
from pathways.db import Base
from pathways.learning.models import Completion, Course
from pathways.practice.models import PracticeEvidenceRule
from pathways.search import service as search
from pathways.stories.models import Story
from pathways.teams.models import OnboardingTemplate


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        (self.created if created else self.updated if changed else self.unchanged)[kind] += 1

    @property
    def changed(self) -> bool:
        return bool(self.created.total() or self.updated.total())

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "; ".join(
            f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        )


def assign(obj: Base, values: dict[str, Any]) -> bool:
    # Only touch attributes that differ, so an unchanged load issues no UPDATE at all.
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def assign_list(obj: Base, name: str, wanted: list[Any]) -> bool:
    # A link table keeps no order, so compare as sets; every row in `wanted` has been flushed and has an id.
    if {x.id for x in getattr(obj, name)} == {x.id for x in wanted}:
        return False
    setattr(obj, name, wanted)
    return True


def _load_scale(session: Session, content: Content, report: LoadReport) -> None:
    scale = {p.level: p for p in session.scalars(select(ProficiencyLevel))}
    for located in content.scale:
        item = located.item
        created = item.level not in scale
        obj = scale.get(item.level) or ProficiencyLevel(level=item.level)
        session.add(obj)
        report.count("scale levels", created, assign(obj, {"name": item.name, "summary": item.summary}))
    session.flush()


def _load_competencies(session: Session, content: Content, report: LoadReport) -> dict[str, Competency]:
    query = select(Competency).options(selectinload(Competency.levels))
    existing = {c.code: c for c in session.scalars(query)}
    for position, located in enumerate(content.competencies):
        item = located.item
        created = item.code not in existing
        obj = existing.get(item.code) or Competency(code=item.code, levels=[])
        session.add(obj)
        existing[item.code] = obj
        values = {"name": item.name, "kind": item.kind, "definition": item.definition, "position": position}
        changed = assign(obj, values)
        by_level = {lv.level: lv for lv in obj.levels}
        for lv in item.levels:
            if lv.level in by_level:
                changed |= assign(by_level[lv.level], {"behaviour": lv.behaviour})
            else:
                obj.levels.append(CompetencyLevel(level=lv.level, behaviour=lv.behaviour))
                changed = True
        report.count("competencies", created, changed)
    session.flush()
    return existing


def _load_courses(
    session: Session, content: Content, competencies: dict[str, Competency], report: LoadReport
) -> dict[str, Course]:
    query = select(Course).options(selectinload(Course.competencies), selectinload(Course.prerequisites))
    existing = {c.code: c for c in session.scalars(query)}
    created_codes = set()

    def values(item: CourseItem) -> dict[str, Any]:
        return {
            "title": item.title,
            "summary": item.summary,
            "modality": item.modality,
            "hours": item.hours,
            "level": item.level,
            "lms_id": item.lms_id,
            "valid_for_months": item.valid_for_months,
        }

    # New courses first, so that prerequisites can point at any course of the file, whatever its order.
    for located in content.courses:
        item = located.item
        if item.code not in existing:
            existing[item.code] = Course(code=item.code, competencies=[], prerequisites=[], **values(item))
            session.add(existing[item.code])
            created_codes.add(item.code)
    session.flush()
    evidence_changed = []  # courses whose completions now evidence other levels or competencies
    for located in content.courses:
        item = located.item
        obj = existing[item.code]
        was = (obj.level, {c.id for c in obj.competencies})
        changed = assign(obj, values(item))
        changed |= assign_list(obj, "competencies", [competencies[c] for c in item.competencies])
        changed |= assign_list(obj, "prerequisites", [existing[c] for c in sorted(item.prerequisites)])
        report.count("courses", item.code in created_codes, changed)
        if item.code not in created_codes and was != (obj.level, {c.id for c in obj.competencies}):
            evidence_changed.append(obj.id)
    session.flush()
    if evidence_changed:
        completed = (
            select(Completion.employee_id).where(Completion.course_id.in_(evidence_changed)).distinct()
        )
        level_summary.refresh_levels(session, completed)
    return existing


def _load_roles(
    session: Session,
    content: Content,
    competencies: dict[str, Competency],
    courses: dict[str, Course],
    report: LoadReport,
) -> dict[str, Role]:
    query = select(Role).options(selectinload(Role.requirements), selectinload(Role.required_courses))
    existing = {r.code: r for r in session.scalars(query)}
    for position, located in enumerate(content.roles):
        item = located.item
        created = item.code not in existing
        obj = existing.get(item.code) or Role(code=item.code, requirements=[], required_courses=[])
        session.add(obj)
        existing[item.code] = obj
        values = {
            "name": item.name,
            "family": item.family,
            "summary": item.summary,
            "responsibilities": item.responsibilities,
            "settings": item.settings,
            "education": item.education,
            "certifications": [c.model_dump(exclude_none=True) for c in item.certifications],
            "pay_low": item.pay.low,
            "pay_high": item.pay.high,
            "pay_currency": item.pay.currency,
            "pay_period": item.pay.period,
            "pay_source": item.pay.source,
            "pay_year": item.pay.year,
            "outlook": item.outlook.text,
            "outlook_source": item.outlook.source,
            "outlook_year": item.outlook.year,
            "position": position,
        }
        changed = assign(obj, values)
        current = {r.competency_id: r for r in obj.requirements}
        wanted_ids = set()
        for rank, (code, level) in enumerate(item.competencies.items()):
            competency_id = competencies[code].id
            wanted_ids.add(competency_id)
            if competency_id in current:
                changed |= assign(current[competency_id], {"level": level, "position": rank})
            else:
                obj.requirements.append(
                    RoleCompetency(competency_id=competency_id, level=level, position=rank)
                )
                changed = True
        for requirement in [r for r in obj.requirements if r.competency_id not in wanted_ids]:
            obj.requirements.remove(requirement)
            changed = True
        changed |= assign_list(obj, "required_courses", [courses[c] for c in sorted(item.required_courses)])
        report.count("roles", created, changed)
    session.flush()
    return existing


def _load_certification_kinds(session: Session, content: Content, report: LoadReport) -> None:
    existing = {k.code: k for k in session.scalars(select(CertificationKind))}
    for position, located in enumerate(content.certifications):
        item = located.item
        created = item.code not in existing
        kind = existing.get(item.code) or CertificationKind(code=item.code)
        session.add(kind)
        values = {
            "name": item.name,
            "summary": item.summary,
            "issuing_bodies": item.issuing_bodies,
            "renewal_months": item.renewal_months,
            "renewal_source": item.renewal_source,
            "required_by_law": [law.model_dump() for law in item.required_by_law],
            "position": position,
        }
        report.count("certification kinds", created, assign(kind, values))
    session.flush()


def _load_paths(session: Session, content: Content, roles: dict[str, Role], report: LoadReport) -> None:
    existing = {(e.from_role_id, e.to_role_id): e for e in session.scalars(select(PathEdge))}
    wanted = set()
    for located in content.paths:
        item = located.item
        key = (roles[item.from_].id, roles[item.to].id)
        wanted.add(key)
        created = key not in existing
        edge = existing.get(key) or PathEdge(from_role_id=key[0], to_role_id=key[1])
        session.add(edge)
        values = {"typical_months": item.typical_months, "requires": item.requires}
        report.count("paths", created, assign(edge, values))
    # A move taken out of paths.yaml leaves the lattice: nothing else refers to an edge.
    for key, edge in existing.items():
        if key not in wanted:
            session.delete(edge)
            report.updated["paths"] += 1
    session.flush()


def _load_stories(
    session: Session, content: Content, roles: dict[str, Role], courses: dict[str, Course], report: LoadReport
) -> None:
    existing = {s.slug: s for s in session.scalars(select(Story).options(selectinload(Story.courses)))}
    for located in content.stories:
        item = located.item
        created = item.slug not in existing
        story = existing.get(item.slug) or Story(slug=item.slug, courses=[], status="published")
        session.add(story)
        values = {
            "title": item.title,
            "author": item.author,
            "from_role_id": roles[item.from_role].id,
            "to_role_id": roles[item.to_role].id,
            "months": item.months,
            "tips": item.tips,
            "body": item.body,
        }
        changed = assign(story, values)
        changed |= assign_list(story, "courses", [courses[c] for c in sorted(item.courses)])
        report.count("stories", created, changed)
    session.flush()


def _load_onboarding(session: Session, content: Content, report: LoadReport) -> None:
    # Keyed by (role, site type), like the table's unique constraint. As for courses and roles, the file wins
    # over a browser edit of the same template, and a template that is not in the file is left alone.
    existing = {(t.role_code, t.site_type): t for t in session.scalars(select(OnboardingTemplate))}
    for located in content.onboarding:
        item = located.item
        key = (item.role, item.site_type)
        created = key not in existing
        template = existing.get(key) or OnboardingTemplate(role_code=item.role, site_type=item.site_type)
        session.add(template)
        values = {"name": item.name, "items": [step.model_dump() for step in item.items]}
        changed = assign(template, values)
        if changed and not created:
            template.updated_at = dt.datetime.now(dt.UTC)
        report.count("onboarding templates", created, changed)
    session.flush()


def _load_practice_rules(
    session: Session, content: Content, competencies: dict[str, Competency], report: LoadReport
) -> None:
    existing = {r.competency_id: r for r in session.scalars(select(PracticeEvidenceRule))}
    for located in content.practice:
        item = located.item
        competency_id = competencies[item.competency].id
        created = competency_id not in existing
        rule = existing.get(competency_id) or PracticeEvidenceRule(competency_id=competency_id)
        session.add(rule)
        values = {"cases": item.cases, "case_types": item.case_types, "why": item.why}
        report.count("practice rules", created, assign(rule, values))
    session.flush()


def load_content(session: Session, directory: Path) -> LoadReport:
    """Validate everything first (raising ContentError with every problem), then write it in place."""
    content = read_content(directory)
    report = LoadReport()
    _load_scale(session, content, report)
    competencies = _load_competencies(session, content, report)
    courses = _load_courses(session, content, competencies, report)
    _load_certification_kinds(session, content, report)
    roles = _load_roles(session, content, competencies, courses, report)
    _load_paths(session, content, roles, report)
    _load_stories(session, content, roles, courses, report)
    _load_onboarding(session, content, report)
    _load_practice_rules(session, content, competencies, report)
    if content.synonyms is not None:
        synonyms = [located.item for located in content.synonyms]
        report.count("synonym lists", False, search.load_synonyms(session, synonyms))
    # Last, so the search sees everything above; rebuilt whole even when nothing changed, which also heals
    # an index that a browser edit since the last load left behind.
    search.rebuild_index(session)
    return report
