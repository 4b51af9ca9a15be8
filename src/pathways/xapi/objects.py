"""The building blocks of a statement: objects, IRIs, language maps, extensions, verbs, activities."""

from typing import Any

from pathways.errors import shown
from pathways.xapi.formats import Invalid, is_iri, is_language_tag, is_uuid

INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
DEFINITION_PROPERTIES = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        *COMPONENT_LISTS,
    }
)


def json_object(value: Any, where: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(where, "must be a JSON object")
    if not allowed.issuperset(value):  # no set built on the way when all is well, the usual case
        unknown = set(value) - allowed
        raise Invalid(where, f"has unknown properties: {', '.join(sorted(unknown))}")
    return value


def iri(value: Any, where: str) -> None:
    if not is_iri(value):
        raise Invalid(where, "must be an IRI (absolute, with a scheme)")


def string(value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise Invalid(where, "must be a string")


def language_map(value: Any, where: str, name: str = "") -> None:
    """`name`: the property's name under `where`, joined to it only for a message."""
    if isinstance(value, dict) and all(is_language_tag(t) and isinstance(x, str) for t, x in value.items()):
        return
    where = f"{where}.{name}" if name else where
    if not isinstance(value, dict):
        raise Invalid(where, "must be a language map (an object keyed by RFC 5646 language tags)")
    for tag, text in value.items():
        if not is_language_tag(tag):
            raise Invalid(where, f"{shown(tag)} is not an RFC 5646 language tag")
        if not isinstance(text, str):
            raise Invalid(f"{where}.{tag}", "must be a string")


def extensions(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Invalid(where, "must be an object keyed by IRIs")
    for key in value:
        if not is_iri(key):
            raise Invalid(where, f"key {shown(key)} is not an IRI")


VERB_PROPERTIES = frozenset({"id", "display"})
ACTIVITY_PROPERTIES = frozenset({"objectType", "id", "definition"})

# The checks below run for every statement of every batch: a property's path is spelt out only when it is
# reported (an f-string made for each call was a tenth of validating a batch).


def validate_verb(value: Any, where: str) -> None:
    verb = json_object(value, where, VERB_PROPERTIES)
    if not is_iri(verb.get("id")):
        iri(verb.get("id"), f"{where}.id")
    if "display" in verb:
        language_map(verb["display"], where, "display")


def _components(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise Invalid(where, "must be an array of interaction components")
    seen: set[str] = set()
    for i, item in enumerate(value):
        component = json_object(item, f"{where}[{i}]", frozenset({"id", "description"}))
        if not isinstance(component.get("id"), str):
            raise Invalid(f"{where}[{i}].id", "is required and must be a string")
        if component["id"] in seen:
            raise Invalid(f"{where}[{i}].id", f"{shown(component['id'])} is repeated; ids must be distinct")
        seen.add(component["id"])
        if "description" in component:
            language_map(component["description"], f"{where}[{i}].description")


def activity_definition(value: Any, where: str) -> None:
    definition = json_object(value, where, DEFINITION_PROPERTIES)
    for name in ("name", "description"):
        if name in definition:
            language_map(definition[name], where, name)
    for name in ("type", "moreInfo"):
        if name in definition and not is_iri(definition[name]):
            iri(definition[name], f"{where}.{name}")
    if "extensions" in definition:
        extensions(definition["extensions"], f"{where}.extensions")
    interaction_type = definition.get("interactionType")
    if "interactionType" in definition and (
        not isinstance(interaction_type, str) or interaction_type not in INTERACTION_TYPES
    ):
        raise Invalid(f"{where}.interactionType", f"must be one of {', '.join(sorted(INTERACTION_TYPES))}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise Invalid(f"{where}.correctResponsesPattern", "must be an array of strings")
    interaction = [n for n in ("correctResponsesPattern", *COMPONENT_LISTS) if n in definition]
    if interaction and "interactionType" not in definition:
        raise Invalid(f"{where}.interactionType", f"is required when {interaction[0]} is given")
    for name in COMPONENT_LISTS:
        if name in definition:
            _components(definition[name], f"{where}.{name}")


def activity(value: Any, where: str) -> None:
    item = json_object(value, where, ACTIVITY_PROPERTIES)
    if item.get("objectType", "Activity") != "Activity":
        raise Invalid(f"{where}.objectType", "must be 'Activity'")
    if not is_iri(item.get("id")):
        iri(item.get("id"), f"{where}.id")
    if "definition" in item:
        activity_definition(item["definition"], f"{where}.definition")


def statement_ref(value: Any, where: str) -> None:
    ref = json_object(value, where, frozenset({"objectType", "id"}))
    if ref.get("objectType") != "StatementRef":
        raise Invalid(f"{where}.objectType", "must be 'StatementRef'")
    if not is_uuid(ref.get("id")):
        raise Invalid(f"{where}.id", "must be a UUID")
