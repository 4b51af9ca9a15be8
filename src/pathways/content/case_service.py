"""CASE packages of the framework in the database; importing one with a preview, validation and audit.

An import goes through content.editing.apply, so a package is checked exactly as `pathways content load`
checks content/ (the same models, the same cross-file checks) and an invalid package changes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.audit.models import AuditEntry
from pathways.content import case, editing, export

# Content loaded from files carries no change time, and CASE asks one of every node: until an admin changes
# the framework in Pathways (which the audit log dates), the framework's date is this release's.
FRAMEWORK_RELEASED = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
IMPORTED = "content.case_import"


def site(session: Session, base_url: str) -> case.Site:
    latest = session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("content.%")).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if (
        latest is not None
        and latest.action == IMPORTED
        and latest.after
        and "lastChangeDateTime" in latest.after
    ):
        # After an import the framework is that package's version, and keeps its date: a round trip through
        # another Pathways gives back the same package.
        return case.Site(base_url, str(latest.after["lastChangeDateTime"]))
    when = latest.at if latest is not None else FRAMEWORK_RELEASED
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return case.Site(base_url, when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00"))


def name_of(identifier: str) -> str | None:
    return next((name for name in case.DOCUMENT_TITLES if case.document_id(name) == identifier), None)


def documents(session: Session, base_url: str) -> list[dict[str, Any]]:
    where = site(session, base_url)
    return [case.document(name, where) for name in case.DOCUMENT_TITLES]


def package(session: Session, name: str, base_url: str) -> dict[str, Any]:
    return case.package(name, export.framework(session), site(session, base_url))


def items(session: Session, base_url: str) -> dict[str, dict[str, Any]]:
    """Every item of both packages by identifier: what a CFItem URI resolves to."""
    data, where = export.framework(session), site(session, base_url)
    return {
        item["identifier"]: item
        for name in case.DOCUMENT_TITLES
        for item in case.package(name, data, where)["CFItems"]
    }


@dataclass
class Preview:
    document: str  # the document's title
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    unknown_roles: list[str] = field(default_factory=list)
    changed_at: str = ""  # the package's own lastChangeDateTime

    @property
    def changes(self) -> bool:
        return bool(self.added or self.changed)


def preview(session: Session, body: Any) -> tuple[Preview, export.Data]:
    """What importing the package would change, and the framework with the change made (not yet loaded)."""
    data = export.framework(session)
    reading = case.read(body, [c["code"] for c in data["competencies.yaml"]])
    result = Preview(
        case.DOCUMENT_TITLES[reading.name], changed_at=str(body["CFDocument"].get("lastChangeDateTime", ""))
    )
    if reading.name == case.FRAMEWORK:
        current = {c["code"]: c for c in data["competencies.yaml"]}
        for item in reading.competencies:
            before = current.get(item["code"])
            if before is None:
                result.added.append(f"{item['name']} ({item['code']})")
                data["competencies.yaml"].append(item)
            elif _same_competency(before, item):
                result.unchanged += 1
            else:
                result.changed.append(f"{item['name']} ({item['code']}): {_what_changed(before, item)}")
                data["competencies.yaml"][data["competencies.yaml"].index(before)] = item
        return result, data
    roles = {r["code"]: r for r in data["roles.yaml"]}
    for code, required in reading.requirements.items():
        role = roles.get(code)
        if role is None:
            result.unknown_roles.append(code)
        elif role["competencies"] == required:
            result.unchanged += 1
        else:
            result.changed.append(
                f"{role['name']} ({code}): {_requirement_change(role['competencies'], required)}"
            )
            role["competencies"] = required
    return result, data


def _same_competency(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return _normal(before) == _normal(after)


def _normal(item: dict[str, Any]) -> dict[str, Any]:
    # The package folds white space (a YAML folded block ends in a newline); so must the comparison.
    return {
        "name": item["name"],
        "kind": item["kind"],
        "definition": " ".join(str(item["definition"]).split()),
        "levels": [(lv["level"], " ".join(str(lv["behaviour"]).split())) for lv in item["levels"]],
    }


def _what_changed(before: dict[str, Any], after: dict[str, Any]) -> str:
    old, new = _normal(before), _normal(after)
    parts = [key for key in ("name", "kind", "definition") if old[key] != new[key]]
    levels = [str(a[0]) for a, b in zip(old["levels"], new["levels"], strict=False) if a != b]
    if len(old["levels"]) != len(new["levels"]):
        parts.append("the number of levels")
    elif levels:
        parts.append("level " + ", ".join(levels))
    return "changed " + ", ".join(parts)


def _requirement_change(before: dict[str, int], after: dict[str, int]) -> str:
    changes = [
        f"{code} {before.get(code, '-')} → {after.get(code, '-')}"
        for code in sorted(set(before) | set(after))
        if before.get(code) != after.get(code)
    ]
    return ", ".join(changes)


def import_package(session: Session, actor_user_id: int | None, body: Any) -> Preview:
    """Load the package's changes (all or nothing) and audit them; raises case.PackageProblem or
    editing.EditRejected, having changed nothing."""
    result, data = preview(session, body)
    if not result.changes:
        return result
    editing.apply(session, data)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action=IMPORTED,
        entity=result.document,
        entity_id=None,
        after={"added": result.added, "changed": result.changed, "lastChangeDateTime": result.changed_at},
    )
    return result
