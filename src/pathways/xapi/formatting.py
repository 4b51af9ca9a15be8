"""The `format` parameter: exact (as stored), ids (identifiers only), canonical (one language per map)."""

from typing import Any

from pathways.xapi import jsoncodec
from pathways.xapi.agents import IFI_PROPERTIES

LANGUAGE_MAPS = ("display", "name", "description")


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    out = {k: agent[k] for k in ("objectType", *IFI_PROPERTIES) if k in agent}
    if agent.get("objectType") == "Group" and not any(k in agent for k in IFI_PROPERTIES):
        out["member"] = [_agent_ids(m) for m in agent.get("member") or []]
    return out


def _object_ids(obj: dict[str, Any]) -> dict[str, Any]:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        # Its id alone (Communication 2.1.3, format=ids; XAPI-00171): objectType is not an identifier.
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return _statement_ids(obj)
    return obj


def _context_ids(context: dict[str, Any]) -> dict[str, Any]:
    out = dict(context)
    for name in ("instructor", "team"):
        if name in out:
            out[name] = _agent_ids(out[name])
    if "contextActivities" in out:
        out["contextActivities"] = {
            kind: [_object_ids(a) for a in items] for kind, items in out["contextActivities"].items()
        }
    if "contextAgents" in out:
        out["contextAgents"] = [{**e, "agent": _agent_ids(e["agent"])} for e in out["contextAgents"]]
    if "contextGroups" in out:
        out["contextGroups"] = [{**e, "group": _agent_ids(e["group"])} for e in out["contextGroups"]]
    return out


def _statement_ids(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    out["actor"] = _agent_ids(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _object_ids(statement["object"])
    if "authority" in out:
        out["authority"] = _agent_ids(out["authority"])
    if "context" in out:
        out["context"] = _context_ids(out["context"])
    return out


def preferred_languages(accept_language: str | None) -> list[str]:
    ranked = []
    for i, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, i, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def _pick(language_map: dict[str, str], languages: list[str]) -> dict[str, str]:
    if not language_map:
        return language_map
    lowered = {k.lower(): k for k in language_map}
    for wanted in [*languages, "en-us", "en"]:
        if wanted == "*":
            break
        for tag_lower, tag in lowered.items():
            if tag_lower == wanted or tag_lower.split("-")[0] == wanted:
                return {tag: language_map[tag]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _canonical(value: Any, languages: list[str]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if (
                key in LANGUAGE_MAPS
                and isinstance(item, dict)
                and all(isinstance(v, str) for v in item.values())
            ):
                out[key] = _pick(item, languages)
            elif key == "extensions":
                out[key] = item  # extension values are the provider's own data, never filtered
            else:
                out[key] = _canonical(item, languages)
        return out
    if isinstance(value, list):
        return [_canonical(v, languages) for v in value]
    return value


def render(document: str, fmt: str, languages: list[str]) -> str:
    if fmt == "exact":
        return document
    statement = jsoncodec.loads(document)
    shaped = _statement_ids(statement) if fmt == "ids" else _canonical(statement, languages)
    return jsoncodec.dumps(shaped)
