"""Editing one framework item in the browser, with exactly the validation of `pathways content load`.

The edited item replaces its old self in the framework as exported (content.export), the whole framework is
written to a scratch content/ folder, and content.loader.load_content reads, validates and loads it: the same
models (content.schemas), the same cross-file checks (content.checks), the same in-place, idempotent load.
load_content validates everything before it writes anything, so an invalid edit changes nothing.
"""

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from pathways.audit import service as audit
from pathways.content import export
from pathways.content.loader import LoadReport, load_content
from pathways.content.reader import ContentError, yaml_problem
from pathways.content.schemas import CompetencyItem, CourseItem, OnboardingTemplateItem, PathItem, RoleItem
from pathways.errors import BadRequest, NotFound, shown


@dataclass(frozen=True)
class Kind:
    name: str  # URL segment and audit entity
    label: str
    file: str
    model: type[BaseModel]
    # Whether an edit may change the key. Nothing refers to an onboarding template by its role and site type
    # (plans copy their steps), so a template may move; roles, competencies and courses are referred to.
    rekey: bool = False

    def key(self, item: dict[str, Any]) -> str:
        if self.name == "paths":
            return f"{item.get('from')}--{item.get('to')}"
        if self.name == ONBOARDING_NAME:
            return f"{item.get('role')}--{item.get('site_type')}"
        return str(item.get("code"))

    @property
    def a_label(self) -> str:
        label = self.label.lower()
        return f"{'an' if label[0] in 'aeiou' else 'a'} {label}"


KINDS = {
    k.name: k
    for k in (
        Kind("roles", "Role", "roles.yaml", RoleItem),
        Kind("competencies", "Competency", "competencies.yaml", CompetencyItem),
        Kind("courses", "Course", "courses.yaml", CourseItem),
        Kind("paths", "Lattice move", "paths.yaml", PathItem),
    )
}
ONBOARDING_NAME = "onboarding_templates"
# Onboarding templates have their own pages (teams.templates, by row id) but save through here all the same.
ONBOARDING = Kind(
    ONBOARDING_NAME, "Onboarding template", "onboarding.yaml", OnboardingTemplateItem, rekey=True
)
_LOCATION = re.compile(r"^content/[a-z]+\.yaml:\d+: ")


class EditRejected(BadRequest):
    status_code = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The change was not saved:\n" + "\n".join(problems))
        self.problems = problems


def kind_of(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(f"No kind of content called {shown(name)}. Choose one of: {', '.join(KINDS)}.")
    return kind


def find(data: export.Data, kind: Kind, key: str) -> dict[str, Any]:
    for item in data[kind.file]:
        if kind.key(item) == key:
            return item
    raise NotFound(f"No {kind.label.lower()} {shown(key)}.")


def item_yaml(item: dict[str, Any]) -> str:
    return export.dump(item)


def parse(kind: Kind, text: str) -> dict[str, Any]:
    try:
        item = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc, text)
        raise EditRejected([f"line {line}: not valid YAML: {problem}"]) from exc
    if not isinstance(item, dict):
        raise EditRejected(
            [f"{kind.a_label.capitalize()} is a mapping of keys to values, as in content/{kind.file}."]
        )
    try:
        kind.model.model_validate(item)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in exc.errors()]
        raise EditRejected(problems) from exc
    return item


def apply(session: Session, data: export.Data) -> LoadReport:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "content"
        folder.mkdir()
        for name, text in export.files(data).items():
            (folder / name).write_text(text, encoding="utf-8")
        try:
            return load_content(session, folder)
        except ContentError as exc:
            # Line numbers would point into the scratch files, not the text being edited: leave them out.
            raise EditRejected([_LOCATION.sub("", p) for p in exc.problems]) from exc


def save(
    session: Session, actor_user_id: int, kind: Kind, key: str | None, text: str
) -> tuple[dict[str, Any], LoadReport]:
    """Replace the item `key` (None: add a new one) by the YAML `text`; audited with before and after.

    When a kind allows a new key, the item is loaded under it and the row under the old key stays: the caller
    removes it, since the loader never removes rows that are missing from a file.
    """
    data = export.framework(session)
    item = parse(kind, text)
    new_key = kind.key(item)
    items = data[kind.file]
    before = None if key is None else find(data, kind, key)
    if key is not None and new_key != key and not kind.rekey:
        raise EditRejected(
            [f"The key cannot change here ('{key}' became '{new_key}'); add a new item instead."]
        )
    if new_key != key and any(kind.key(existing) == new_key for existing in items):
        raise EditRejected([f"{kind.a_label.capitalize()} '{new_key}' already exists; edit it instead."])
    if before is None:
        items.append(item)
    else:
        items[items.index(before)] = item
    report = apply(session, data)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action=f"content.{'create' if key is None else 'update'}",
        entity=kind.name,
        entity_id=None,
        before=_tagged(key or new_key, before),
        after=_tagged(new_key, item),
    )
    return item, report


def delete_path(session: Session, actor_user_id: int, key: str) -> None:
    """Only lattice moves can be removed: people's records refer to roles, competencies and courses."""
    kind = KINDS["paths"]
    data = export.framework(session)
    before = find(data, kind, key)
    data[kind.file].remove(before)
    apply(session, data)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        action="content.delete",
        entity="paths",
        entity_id=None,
        before=_tagged(key, before),
        after=None,
    )


def _tagged(key: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
    # JSON-ready (no Decimals) and keyed, so the audit log can be filtered by what changed.
    return None if item is None else {"key": key, "item": yaml.safe_load(export.dump(item))}
