"""The Activities and Agents resources: what the LRS knows of one activity or one agent."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.xapi.agents import IFI_PROPERTIES
from pathways.xapi.models import XapiStatement, XapiStatementRef
from pathways.xapi.refs import ACTIVITY

# Enough recent statements to settle a definition without reading an activity's whole history.
DEFINITION_SOURCES = 200
LANGUAGE_MAPS = ("name", "description")


def _definitions_in(statement: dict[str, Any], activity_id: str) -> list[dict[str, Any]]:
    found = []
    candidates: list[Any] = [statement.get("object")]
    obj = statement.get("object") or {}
    if obj.get("objectType") == "SubStatement":
        candidates.append(obj.get("object"))
    for holder in (statement, obj):
        for items in ((holder.get("context") or {}).get("contextActivities") or {}).values():
            candidates.extend(items if isinstance(items, list) else [items])
    for item in candidates:
        if (
            isinstance(item, dict)
            and item.get("id") == activity_id
            and isinstance(item.get("definition"), dict)
        ):
            found.append(item["definition"])
    return found


def _merge(into: dict[str, Any], definition: dict[str, Any]) -> None:
    for key, value in definition.items():
        mergeable = key in LANGUAGE_MAPS or key == "extensions"
        if mergeable and isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = into[key] | value
        else:
            into[key] = value


def canonical_activity(session: Session, activity_id: str) -> dict[str, Any]:
    """The activity as its latest statements define it, oldest first so the newest word wins."""
    documents = session.scalars(
        select(XapiStatement.document)
        .join(XapiStatementRef, XapiStatementRef.statement_id == XapiStatement.statement_id)
        .where(XapiStatementRef.kind == ACTIVITY, XapiStatementRef.key == activity_id)
        .order_by(XapiStatement.stored_ms.desc(), XapiStatement.id.desc())
        .limit(DEFINITION_SOURCES)
    ).all()
    definition: dict[str, Any] = {}
    for document in reversed(documents):
        for found in _definitions_in(json.loads(document), activity_id):
            _merge(definition, found)
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return activity


def person(agent: dict[str, Any]) -> dict[str, Any]:
    """A Person object: every identifier and name known for the agent, each as a list."""
    out: dict[str, Any] = {"objectType": "Person"}
    if isinstance(agent.get("name"), str):
        out["name"] = [agent["name"]]
    for key in IFI_PROPERTIES:
        if key in agent:
            out[key] = [agent[key]]
    return out
