"""The framework as 1EdTech CASE 1.0 packages, and CASE packages read back into the framework.

Two CFDocuments, because CASE describes competencies and a role profile is more than its requirements:
- "framework": every competency (an item of type Framework or Technical competency) and its four
  proficiency levels (items of type Proficiency level, each `isChildOf` its competency, in order). It
  carries all that content/competencies.yaml holds, so it round-trips: exported, imported into an empty
  database and exported again, it is the same package.
- "roles": each role (an item of type Job role) with one `isRelatedTo` association in the "requires"
  grouping to each proficiency level it requires, pointing into the framework document. Pay, settings and
  sources are not CASE's to carry, so importing it changes the requirements of roles Pathways already has;
  it never creates one.

Identifiers are UUID 5 names of the codes under one fixed namespace: the same competency has the same
identifier in every export, on every server. Pure: data in the content/ format in, dictionaries out, and back.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pathways.content.export import Data

# Fixed forever: every identifier in every package is derived from it.
NAMESPACE = uuid.UUID("6f1c2a57-3d0e-4c8e-9a51-2b7d5e0f9c14")
FRAMEWORK, ROLES = "framework", "roles"
DOCUMENT_TITLES = {
    FRAMEWORK: "Pathways patient services competency framework",
    ROLES: "Pathways role requirements",
}
CREATOR = "Pathways"
KIND_TYPES = {"framework": "Framework competency", "technical": "Technical competency"}
LEVEL_TYPE = "Proficiency level"
ROLE_TYPE = "Job role"
REQUIRES = "requires"
API = "/ims/case/v1p0"


def ident(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def document_id(name: str) -> str:
    return ident("document", name)


def competency_id(code: str) -> str:
    return ident("competency", code)


def level_id(code: str, level: int) -> str:
    return ident("level", code, level)


def role_id(code: str) -> str:
    return ident("role", code)


@dataclass(frozen=True)
class Site:
    """Where the packages are served, and when the framework last changed (each node's lastChangeDateTime)."""

    base_url: str
    changed: str  # ISO 8601 date-time, UTC

    def uri(self, kind: str, identifier: str) -> str:
        return f"{self.base_url.rstrip('/')}{API}/{kind}/{identifier}"

    def link(self, kind: str, identifier: str, title: str) -> dict[str, str]:
        return {"title": title, "identifier": identifier, "uri": self.uri(kind, identifier)}


def document(name: str, site: Site) -> dict[str, Any]:
    identifier = document_id(name)
    return {
        "identifier": identifier,
        "uri": site.uri("CFDocuments", identifier),
        "creator": CREATOR,
        "title": DOCUMENT_TITLES[name],
        "lastChangeDateTime": site.changed,
        "language": "en",
        "adoptionStatus": "Adopted",
        "CFPackageURI": site.link("CFPackages", identifier, DOCUMENT_TITLES[name]),
    }


def document_of_package(name: str, site: Site) -> dict[str, Any]:
    # Inside a package the document has no CFPackageURI (the package schema allows none).
    return {key: value for key, value in document(name, site).items() if key != "CFPackageURI"}


def package(name: str, data: Data, site: Site) -> dict[str, Any]:
    build = _framework if name == FRAMEWORK else _roles
    items, associations = build(data, site)
    return {
        "CFDocument": document_of_package(name, site),
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": [_item_type(t, site) for t in _types(name)]},
    }


def _types(name: str) -> list[str]:
    return [*KIND_TYPES.values(), LEVEL_TYPE] if name == FRAMEWORK else [ROLE_TYPE]


def _item_type(title: str, site: Site) -> dict[str, Any]:
    identifier = ident("item-type", title)
    return {
        "identifier": identifier,
        "uri": site.uri("CFItemTypes", identifier),
        "title": title,
        "description": title,
        "hierarchyCode": title,
        "lastChangeDateTime": site.changed,
    }


def _item(
    site: Site, identifier: str, item_type: str, code: str, statement: str, **more: str
) -> dict[str, Any]:
    type_id = ident("item-type", item_type)
    return {
        "identifier": identifier,
        "fullStatement": " ".join(statement.split()),
        "CFItemType": item_type,
        "CFItemTypeURI": site.link("CFItemTypes", type_id, item_type),
        "uri": site.uri("CFItems", identifier),
        "humanCodingScheme": code,
        "language": "en",
        "lastChangeDateTime": site.changed,
        **more,
    }


def _association(
    site: Site, kind: str, origin: dict[str, str], destination: dict[str, str], **more: Any
) -> dict[str, Any]:
    identifier = ident("association", kind, origin["identifier"], destination["identifier"])
    return {
        "identifier": identifier,
        "associationType": kind,
        "uri": site.uri("CFAssociations", identifier),
        "originNodeURI": origin,
        "destinationNodeURI": destination,
        "lastChangeDateTime": site.changed,
        **more,
    }


def _framework(data: Data, site: Site) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    doc = site.link("CFDocuments", document_id(FRAMEWORK), DOCUMENT_TITLES[FRAMEWORK])
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    for position, c in enumerate(data["competencies.yaml"], start=1):
        cid = competency_id(c["code"])
        items.append(
            _item(
                site, cid, KIND_TYPES[c["kind"]], c["code"], c["definition"], abbreviatedStatement=c["name"]
            )
        )
        node = site.link("CFItems", cid, c["name"])
        associations.append(_association(site, "isChildOf", node, doc, sequenceNumber=position))
        for lv in c["levels"]:
            lid = level_id(c["code"], lv["level"])
            items.append(
                _item(
                    site,
                    lid,
                    LEVEL_TYPE,
                    f"{c['code']}.{lv['level']}",
                    lv["behaviour"],
                    listEnumeration=str(lv["level"]),
                )
            )
            child = site.link("CFItems", lid, f"{c['name']}, level {lv['level']}")
            associations.append(_association(site, "isChildOf", child, node, sequenceNumber=lv["level"]))
    return items, associations


def _roles(data: Data, site: Site) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    doc = site.link("CFDocuments", document_id(ROLES), DOCUMENT_TITLES[ROLES])
    names = {c["code"]: c["name"] for c in data["competencies.yaml"]}
    grouping = _grouping(site)
    items: list[dict[str, Any]] = []
    associations: list[dict[str, Any]] = []
    for position, r in enumerate(data["roles.yaml"], start=1):
        rid = role_id(r["code"])
        items.append(_item(site, rid, ROLE_TYPE, r["code"], r["summary"], abbreviatedStatement=r["name"]))
        node = site.link("CFItems", rid, r["name"])
        associations.append(_association(site, "isChildOf", node, doc, sequenceNumber=position))
        for code, level in r["competencies"].items():
            target = site.link("CFItems", level_id(code, level), f"{names.get(code, code)}, level {level}")
            associations.append(
                _association(site, "isRelatedTo", node, target, CFAssociationGroupingURI=grouping)
            )
    return items, associations


def _grouping(site: Site) -> dict[str, str]:
    return site.link("CFAssociationGroupings", ident("grouping", REQUIRES), REQUIRES)


# ---------------------------------------------------------------- reading a package back


class PackageProblem(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Reading:
    """What a package says, in the content/ format: competencies, or each role's requirements."""

    name: str
    competencies: list[dict[str, Any]] = field(default_factory=list)
    requirements: dict[str, dict[str, int]] = field(default_factory=dict)


def read(body: Any, competency_codes: Iterable[str]) -> Reading:
    """The package as content/ items, or PackageProblem naming every node at fault. A roles package may point
    only at levels of the competencies named (the framework in the database)."""
    if not isinstance(body, dict) or not isinstance(body.get("CFDocument"), dict):
        raise PackageProblem(["The file is not a CASE CFPackage: it has no CFDocument object."])
    doc_id = body["CFDocument"].get("identifier")
    name = next((n for n in DOCUMENT_TITLES if document_id(n) == doc_id), None)
    if name is None:
        raise PackageProblem(
            [
                f"CFDocument {_shown(doc_id)} is not one of Pathways' documents (the competency framework "
                "or the role requirements): only packages exported by Pathways can be imported."
            ]
        )
    items = _list(body, "CFItems")
    associations = _list(body, "CFAssociations")
    if name == FRAMEWORK:
        return Reading(name, competencies=_competencies(items, associations))
    levels = {level_id(code, n): (code, n) for code in competency_codes for n in range(1, 5)}
    return Reading(name, requirements=_requirements(items, associations, levels))


def _list(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise PackageProblem([f"{key} must be a list of objects."])
    return value


def _shown(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _target(association: dict[str, Any], end: str) -> str | None:
    node = association.get(end)
    return node.get("identifier") if isinstance(node, dict) else None


def _competencies(items: list[dict[str, Any]], associations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems: list[str] = []
    kinds = {title: kind for kind, title in KIND_TYPES.items()}
    parents = {
        _target(a, "originNodeURI"): _target(a, "destinationNodeURI")
        for a in associations
        if a.get("associationType") == "isChildOf"
    }
    found: dict[str, dict[str, Any]] = {}
    levels: list[dict[str, Any]] = []
    for item in items:
        item_type, code = item.get("CFItemType"), item.get("humanCodingScheme")
        where = f"CFItem {_shown(item.get('identifier'))}"
        if item_type in kinds and isinstance(code, str):
            found[competency_id(code)] = {
                "code": code,
                "name": item.get("abbreviatedStatement") or code,
                "kind": kinds[item_type],
                "definition": item.get("fullStatement", ""),
                "levels": [],
            }
        elif item_type == LEVEL_TYPE:
            levels.append(item)
        else:
            problems.append(
                f"{where}: type {_shown(item_type)} with code {_shown(code)} is not a Pathways competency or "
                "proficiency level."
            )
    for item in levels:
        parent = found.get(parents.get(item.get("identifier")) or "")
        where = f"CFItem {_shown(item.get('identifier'))}"
        try:
            level = int(item.get("listEnumeration", ""))
        except ValueError:
            problems.append(f"{where}: listEnumeration must be the level number (1 to 4).")
            continue
        if parent is None:
            problems.append(f"{where}: a proficiency level must be isChildOf a competency of the package.")
            continue
        parent["levels"].append({"level": level, "behaviour": item.get("fullStatement", "")})
    if problems:
        raise PackageProblem(problems)
    for competency in found.values():
        competency["levels"].sort(key=lambda lv: lv["level"])
    order = {
        _target(a, "originNodeURI"): a.get("sequenceNumber", 0)
        for a in associations
        if a.get("associationType") == "isChildOf"
    }
    return [c for _id, c in sorted(found.items(), key=lambda pair: order.get(pair[0]) or 0)]


def _requirements(
    items: list[dict[str, Any]], associations: list[dict[str, Any]], levels: dict[str, tuple[str, int]]
) -> dict[str, dict[str, int]]:
    roles = {
        i.get("identifier"): i.get("humanCodingScheme") for i in items if i.get("CFItemType") == ROLE_TYPE
    }
    strays = [i for i in items if i.get("CFItemType") != ROLE_TYPE]
    if strays:
        raise PackageProblem(
            [
                f"CFItem {_shown(i.get('identifier'))}: type {_shown(i.get('CFItemType'))} is not a job role."
                for i in strays
            ]
        )
    required: dict[str, dict[str, int]] = {str(code): {} for code in roles.values()}
    problems: list[str] = []
    for a in associations:
        if a.get("associationType") != "isRelatedTo":
            continue
        role = roles.get(_target(a, "originNodeURI"))
        level = levels.get(_target(a, "destinationNodeURI") or "")
        if role is None or level is None:
            problems.append(
                f"CFAssociation {_shown(a.get('identifier'))}: must relate a job role of the package to a "
                "proficiency level of the Pathways framework."
            )
            continue
        required[str(role)][level[0]] = level[1]
    if problems:
        raise PackageProblem(problems)
    return required
