"""The framework as it stands in the database, written back in the content/ format.

Every file loads with `pathways content load` (and content.loader.load_content) and loading it changes
nothing: tests/admin/test_content_editing.py and tests/content/test_onboarding.py
hold the round trip to that.
"""

import io
import zipfile
from decimal import Decimal
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from pathways.careers.models import PathEdge, Role, RoleCompetency
from pathways.certifications.models import CertificationKind
from pathways.competencies.models import Competency, ProficiencyLevel
from pathways.learning.models import Course
from pathways.practice.models import PracticeEvidenceRule
from pathways.search.models import SearchSynonym
from pathways.stories.models import Story
from pathways.teams.models import OnboardingTemplate

FILES = (
    "scale.yaml",
    "competencies.yaml",
    "courses.yaml",
    "certifications.yaml",
    "roles.yaml",
    "paths.yaml",
    "stories.yaml",
    "onboarding.yaml",
    "practice.yaml",
    "synonyms.yaml",
)
HEADER = (
    "# Exported from Pathways; loads with `pathways content load`. See content/README.md for the format.\n"
)
Data = dict[str, list[dict[str, Any]]]


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (story bodies) stays readable as a literal block; PyYAML falls back to quotes itself
    # when a literal block cannot hold the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def hours(value: Decimal) -> int | float:
    number = Decimal(value).normalize()
    return int(number) if number == number.to_integral_value() else float(number)


def scale_items(session: Session) -> list[dict[str, Any]]:
    levels = session.scalars(select(ProficiencyLevel).order_by(ProficiencyLevel.level))
    return [{"level": p.level, "name": p.name, "summary": p.summary} for p in levels]


def competency_item(c: Competency) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "definition": c.definition,
        "levels": [{"level": lv.level, "behaviour": lv.behaviour} for lv in c.levels],
    }


def course_item(c: Course) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": c.code,
        "title": c.title,
        "summary": c.summary,
        "modality": c.modality,
        "hours": hours(c.hours),
        "level": c.level,
        "competencies": [k.code for k in c.competencies],
        "prerequisites": [p.code for p in c.prerequisites],
        "lms_id": c.lms_id,
    }
    if c.valid_for_months is not None:  # optional: left out when a completion counts forever
        item["valid_for_months"] = c.valid_for_months
    return item


def role_item(r: Role) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "family": r.family,
        "summary": r.summary,
        "responsibilities": list(r.responsibilities),
        "settings": list(r.settings),
        "education": list(r.education),
        "certifications": [
            {
                "name": c["name"],
                **({"kind": c["kind"]} if c.get("kind") else {}),
                "required": bool(c.get("required")),
            }
            for c in r.certifications
        ],
        "pay": {
            "low": r.pay_low,
            "high": r.pay_high,
            "currency": r.pay_currency,
            "period": r.pay_period,
            "source": r.pay_source,
            "year": r.pay_year,
        },
        "outlook": {"text": r.outlook, "source": r.outlook_source, "year": r.outlook_year},
        "competencies": {req.competency.code: req.level for req in r.requirements},
        "required_courses": [c.code for c in r.required_courses],
    }


def path_item(edge: PathEdge) -> dict[str, Any]:
    return {
        "from": edge.from_role.code,
        "to": edge.to_role.code,
        "typical_months": edge.typical_months,
        "requires": edge.requires,
    }


def story_item(s: Story) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "title": s.title,
        "author": s.author,
        "from_role": s.from_role.code,
        "to_role": s.to_role.code,
        "months": s.months,
        "courses": [c.code for c in s.courses],
        "tips": list(s.tips),
        "body": s.body,
    }


def onboarding_item(t: OnboardingTemplate) -> dict[str, Any]:
    return {
        "name": t.name,
        "role": t.role_code,
        "site_type": t.site_type,
        "items": [
            {"code": s["code"], "title": s["title"], "detail": s.get("detail", ""), "due_days": s["due_days"]}
            for s in t.items
        ],
    }


def competencies(session: Session) -> list[Competency]:
    query = (
        select(Competency)
        .options(selectinload(Competency.levels))
        .order_by(Competency.position, Competency.id)
    )
    return list(session.scalars(query))


def courses(session: Session) -> list[Course]:
    query = select(Course).options(selectinload(Course.competencies), selectinload(Course.prerequisites))
    return list(session.scalars(query.order_by(Course.code)))


def roles(session: Session) -> list[Role]:
    query = select(Role).options(
        selectinload(Role.requirements).selectinload(RoleCompetency.competency),
        selectinload(Role.required_courses),
    )
    return list(session.scalars(query.order_by(Role.position, Role.id)))


def edges(session: Session) -> list[PathEdge]:
    source, target = aliased(Role), aliased(Role)
    query = (
        select(PathEdge)
        .join(source, source.id == PathEdge.from_role_id)
        .join(target, target.id == PathEdge.to_role_id)
        .options(selectinload(PathEdge.from_role), selectinload(PathEdge.to_role))
        .order_by(source.position, target.position)
    )
    return list(session.scalars(query))


def stories(session: Session) -> list[Story]:
    # Only published stories are part of the framework; submissions live in the database alone.
    query = select(Story).where(Story.status == "published")
    query = query.options(
        selectinload(Story.from_role), selectinload(Story.to_role), selectinload(Story.courses)
    )
    return list(session.scalars(query.order_by(Story.slug)))


def onboarding_templates(session: Session) -> list[OnboardingTemplate]:
    query = select(OnboardingTemplate).order_by(OnboardingTemplate.role_code, OnboardingTemplate.site_type)
    return list(session.scalars(query))


def practice_items(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Competency.code, PracticeEvidenceRule.cases, PracticeEvidenceRule.case_types,
               PracticeEvidenceRule.why)
        .join(PracticeEvidenceRule, PracticeEvidenceRule.competency_id == Competency.id)
        .order_by(Competency.position, Competency.id)
    )  # fmt: skip
    return [{"competency": c, "cases": n, "case_types": t, "why": why} for c, n, t, why in rows]


def certification_kind_items(session: Session) -> list[dict[str, Any]]:
    kinds = session.scalars(
        select(CertificationKind).order_by(CertificationKind.position, CertificationKind.id)
    )
    return [
        {
            "code": k.code,
            "name": k.name,
            "summary": k.summary,
            "issuing_bodies": list(k.issuing_bodies),
            "renewal_months": k.renewal_months,
            "renewal_source": k.renewal_source,
            "required_by_law": [dict(law) for law in k.required_by_law],
        }
        for k in kinds
    ]


def synonym_items(session: Session) -> list[dict[str, Any]]:
    # Stored one term a row, lower case; written back grouped by the word they stand for.
    grouped: dict[str, list[str]] = {}
    for synonym in session.scalars(select(SearchSynonym).order_by(SearchSynonym.means, SearchSynonym.term)):
        grouped.setdefault(synonym.means, []).append(synonym.term)
    return [{"means": means, "terms": terms} for means, terms in grouped.items()]


def framework(session: Session) -> Data:
    return {
        "scale.yaml": scale_items(session),
        "competencies.yaml": [competency_item(c) for c in competencies(session)],
        "courses.yaml": [course_item(c) for c in courses(session)],
        "certifications.yaml": certification_kind_items(session),
        "roles.yaml": [role_item(r) for r in roles(session)],
        "paths.yaml": [path_item(e) for e in edges(session)],
        "stories.yaml": [story_item(s) for s in stories(session)],
        "onboarding.yaml": [onboarding_item(t) for t in onboarding_templates(session)],
        "practice.yaml": practice_items(session),
        "synonyms.yaml": synonym_items(session),
    }


def dump(items: Any) -> str:
    return yaml.dump(items, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def files(data: Data) -> dict[str, str]:
    return {name: HEADER + dump(data[name]) for name in FILES}


def zip_bytes(data: Data) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files(data).items():
            archive.writestr(f"content/{name}", text)
    return buffer.getvalue()
