"""Statement validation, property by property, as the xAPI specification (1.0.3 and 2.0) requires.

Every check raises `Invalid` with the path of the offending property, so a 400 names the field. Validation
also normalises what the specification tells the LRS to normalise (a single context activity becomes a list).
"""

from typing import Any

from pathways.errors import shown
from pathways.xapi.agents import IFI_PROPERTIES, validate_actor, validate_agent, validate_group
from pathways.xapi.formats import (
    MEDIA_TYPE,
    SHA2_HEX,
    VERSION,
    Invalid,
    comparable_duration,
    is_duration,
    is_language_tag,
    is_uuid,
    parse_timestamp,
)
from pathways.xapi.objects import (
    activity,
    extensions,
    iri,
    json_object,
    language_map,
    statement_ref,
    string,
    validate_verb,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
STATEMENT_PROPERTIES = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUBSTATEMENT_PROPERTIES = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
CONTEXT_PROPERTIES = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "contextAgents",
        "contextGroups",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_ACTIVITY_KINDS = frozenset({"parent", "grouping", "category", "other"})


def _object_property(value: Any, where: str, in_substatement: bool) -> None:
    if not isinstance(value, dict):
        raise Invalid(where, "must be an Activity, Agent, Group, StatementRef or SubStatement")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, where)
    elif kind == "Agent":
        validate_agent(value, where)
    elif kind == "Group":
        validate_group(value, where)
    elif kind == "StatementRef":
        statement_ref(value, where)
    elif kind == "SubStatement":
        if in_substatement:
            raise Invalid(where, "a SubStatement cannot contain another SubStatement")
        _statement_body(value, where, substatement=True)
    else:
        raise Invalid(f"{where}.objectType", f"{shown(kind)} is not an object type")


def _score(value: Any, where: str) -> None:
    score = json_object(value, where, frozenset({"scaled", "raw", "min", "max"}))
    for name, number in score.items():
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise Invalid(f"{where}.{name}", "must be a number")
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        raise Invalid(f"{where}.scaled", "must be between -1 and 1")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and low > high:
        raise Invalid(f"{where}.min", "must not be greater than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise Invalid(f"{where}.raw", "must lie between min and max")


def _result(value: Any, where: str) -> None:
    result = json_object(
        value, where, frozenset({"score", "success", "completion", "response", "duration", "extensions"})
    )
    if "score" in result:
        _score(result["score"], f"{where}.score")
    for name in ("success", "completion"):
        if name in result and not isinstance(result[name], bool):
            raise Invalid(f"{where}.{name}", "must be true or false")
    if "response" in result:
        string(result["response"], f"{where}.response")
    if "duration" in result and not is_duration(result["duration"]):
        raise Invalid(f"{where}.duration", "must be an ISO 8601 duration such as PT1H30M")
    if "extensions" in result:
        extensions(result["extensions"], f"{where}.extensions")


def _relevant_types(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value:
        raise Invalid(where, "must be a non-empty array of IRIs")
    for i, item in enumerate(value):
        iri(item, f"{where}[{i}]")


def _context_agents(value: Any, where: str, kind: str) -> None:
    key = "agent" if kind == "contextAgent" else "group"
    if not isinstance(value, list):
        raise Invalid(where, f"must be an array of {kind} objects")
    for i, item in enumerate(value):
        entry = json_object(item, f"{where}[{i}]", frozenset({"objectType", key, "relevantTypes"}))
        if entry.get("objectType") != kind:
            raise Invalid(f"{where}[{i}].objectType", f"must be {shown(kind)}")
        if key not in entry:
            raise Invalid(f"{where}[{i}].{key}", "is required")
        (validate_agent if key == "agent" else validate_group)(entry[key], f"{where}[{i}].{key}")
        if "relevantTypes" in entry:
            _relevant_types(entry["relevantTypes"], f"{where}[{i}].relevantTypes")


def _context(value: Any, where: str, object_is_activity: bool) -> None:
    context = json_object(value, where, CONTEXT_PROPERTIES)
    if "registration" in context and not is_uuid(context["registration"]):
        raise Invalid(f"{where}.registration", "must be a UUID")
    if "instructor" in context:
        validate_actor(context["instructor"], f"{where}.instructor")
    if "team" in context:
        validate_group(context["team"], f"{where}.team")
    if "contextActivities" in context:
        activities = json_object(
            context["contextActivities"], f"{where}.contextActivities", CONTEXT_ACTIVITY_KINDS
        )
        for kind, items in list(activities.items()):
            # The specification lets a single Activity stand for a list of one; the LRS returns the list.
            listed = items if isinstance(items, list) else [items]
            for i, item in enumerate(listed):
                activity(item, f"{where}.contextActivities.{kind}[{i}]")
            activities[kind] = listed
    if "contextAgents" in context:
        _context_agents(context["contextAgents"], f"{where}.contextAgents", "contextAgent")
    if "contextGroups" in context:
        _context_agents(context["contextGroups"], f"{where}.contextGroups", "contextGroup")
    for name in ("revision", "platform"):
        if name in context:
            string(context[name], f"{where}.{name}")
            if not object_is_activity:
                raise Invalid(f"{where}.{name}", "is only allowed when the object is an Activity")
    if "language" in context and not is_language_tag(context["language"]):
        raise Invalid(f"{where}.language", "must be an RFC 5646 language tag")
    if "statement" in context:
        statement_ref(context["statement"], f"{where}.statement")
    if "extensions" in context:
        extensions(context["extensions"], f"{where}.extensions")


def _attachments(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise Invalid(where, "must be an array of attachment objects")
    allowed = frozenset({"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"})
    for i, item in enumerate(value):
        here = f"{where}[{i}]"
        attachment = json_object(item, here, allowed)
        iri(attachment.get("usageType"), f"{here}.usageType")
        if "display" not in attachment:
            raise Invalid(f"{here}.display", "is required")
        language_map(attachment["display"], f"{here}.display")
        if "description" in attachment:
            language_map(attachment["description"], f"{here}.description")
        content_type = attachment.get("contentType")
        if not isinstance(content_type, str) or not MEDIA_TYPE.match(content_type):
            raise Invalid(f"{here}.contentType", "is required and must be an internet media type")
        length = attachment.get("length")
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise Invalid(f"{here}.length", "is required and must be a whole number of octets")
        sha2 = attachment.get("sha2")
        if not isinstance(sha2, str) or not SHA2_HEX.match(sha2):
            raise Invalid(f"{here}.sha2", "is required and must be a SHA-2 hash in hex")
        if "fileUrl" in attachment:
            iri(attachment["fileUrl"], f"{here}.fileUrl")


def _statement_body(value: dict[str, Any], where: str, substatement: bool) -> None:
    prefix = f"{where}." if where else ""
    if substatement:
        json_object(value, where, SUBSTATEMENT_PROPERTIES)
    for name in ("actor", "verb", "object"):
        if name not in value:
            raise Invalid(f"{prefix}{name}", "is required")
    validate_actor(value["actor"], f"{prefix}actor")
    validate_verb(value["verb"], f"{prefix}verb")
    _object_property(value["object"], f"{prefix}object", substatement)
    if "result" in value:
        _result(value["result"], f"{prefix}result")
    if "context" in value:
        is_activity = isinstance(value["object"], dict) and value["object"].get("objectType", "Activity") == (
            "Activity"
        )
        _context(value["context"], f"{prefix}context", is_activity)
    if "timestamp" in value and parse_timestamp(value["timestamp"]) is None:
        raise Invalid(f"{prefix}timestamp", "must be an ISO 8601 timestamp with a valid time zone offset")
    if "attachments" in value:
        _attachments(value["attachments"], f"{prefix}attachments")


def _authority(value: Any, where: str) -> None:
    validate_actor(value, where)
    # Data 2.4.9: a Group authority is the OAuth pair, an anonymous Group of exactly two Agents (the
    # application and the user who authorised it).
    if value.get("objectType") == "Group":
        if any(name in value for name in IFI_PROPERTIES):
            raise Invalid(
                where, "a Group authority must be anonymous (no mbox, mbox_sha1sum, openid or account)"
            )
        if len(value.get("member") or []) != 2:
            raise Invalid(f"{where}.member", "a Group authority has exactly two Agents")


def _with_comparable_duration(holder: dict[str, Any]) -> dict[str, Any]:
    result = holder.get("result")
    if isinstance(result, dict) and isinstance(result.get("duration"), str):
        return {**holder, "result": {**result, "duration": comparable_duration(result["duration"])}}
    return holder


def comparable(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement as two reports of it are compared (a re-sent id, a signature's payload): durations
    count to the hundredth of a second (xAPI 2.0, 4.2.7), so their further digits are left out."""
    out = _with_comparable_duration(statement)
    obj = out.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        out = {**out, "object": _with_comparable_duration(obj)}
    return out


def validate_statement(value: Any, where: str = "") -> dict[str, Any]:
    statement = json_object(value, where or "statement", STATEMENT_PROPERTIES)
    prefix = f"{where}." if where else ""
    if "id" in statement and not is_uuid(statement["id"]):
        raise Invalid(f"{prefix}id", "must be a UUID")
    _statement_body(statement, where, substatement=False)
    if "stored" in statement and parse_timestamp(statement["stored"]) is None:
        raise Invalid(f"{prefix}stored", "must be an ISO 8601 timestamp")
    if "authority" in statement:
        _authority(statement["authority"], f"{prefix}authority")
    if "version" in statement and (
        not isinstance(statement["version"], str) or not VERSION.match(statement["version"])
    ):
        raise Invalid(f"{prefix}version", "must be 1.0.x or 2.0.x")
    if statement["verb"]["id"] == VOIDED:
        target = statement["object"]
        if target.get("objectType") != "StatementRef":
            raise Invalid(f"{prefix}object", "a voiding statement's object must be a StatementRef")
    return statement
