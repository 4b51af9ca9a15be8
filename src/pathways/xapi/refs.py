"""What a statement names, for the `agent`, `activity` and `related_*` filters."""

from typing import Any

from pathways.xapi.agents import actor_keys

AGENT = "agent"
ACTIVITY = "activity"


def _object_refs(obj: dict[str, Any], core: bool, out: dict[tuple[str, str], bool]) -> None:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity" and isinstance(obj.get("id"), str):
        _add(out, ACTIVITY, obj["id"], core)
    elif kind in ("Agent", "Group"):
        for key in actor_keys(obj):
            _add(out, AGENT, key, core)


def _add(out: dict[tuple[str, str], bool], kind: str, key: str, core: bool) -> None:
    out[(kind, key)] = out.get((kind, key), False) or core


def _context_refs(context: dict[str, Any], out: dict[tuple[str, str], bool]) -> None:
    for name in ("instructor", "team"):
        if isinstance(context.get(name), dict):
            for key in actor_keys(context[name]):
                _add(out, AGENT, key, False)
    for entry in context.get("contextAgents") or []:
        for key in actor_keys(entry.get("agent") or {}):
            _add(out, AGENT, key, False)
    for entry in context.get("contextGroups") or []:
        for key in actor_keys(entry.get("group") or {}):
            _add(out, AGENT, key, False)
    for items in (context.get("contextActivities") or {}).values():
        for item in items if isinstance(items, list) else [items]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                _add(out, ACTIVITY, item["id"], False)


def statement_refs(statement: dict[str, Any]) -> dict[tuple[str, str], bool]:
    """{(kind, key): core}: core refs are the actor and object; the rest count only for related_* queries."""
    out: dict[tuple[str, str], bool] = {}
    for key in actor_keys(statement["actor"]):
        _add(out, AGENT, key, True)
    obj = statement["object"]
    _object_refs(obj, True, out)
    if isinstance(statement.get("authority"), dict):
        for key in actor_keys(statement["authority"]):
            _add(out, AGENT, key, False)
    if isinstance(statement.get("context"), dict):
        _context_refs(statement["context"], out)
    if obj.get("objectType") == "SubStatement":
        for key in actor_keys(obj["actor"]):
            _add(out, AGENT, key, False)
        _object_refs(obj["object"], False, out)
        if isinstance(obj.get("context"), dict):
            _context_refs(obj["context"], out)
    return out
