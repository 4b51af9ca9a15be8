"""Statement validation, requirement by requirement (xAPI Data: statements, agents, objects, result, context,
attachments, data types). Pure functions: no database, so these run once, not per backend."""

import copy
from typing import Any

import pytest

from pathways.xapi.formats import XapiError
from pathways.xapi.statements import validate_batch
from pathways.xapi.validation import validate_statement

ACTIVITY = "http://lms.example/activities/intro"
BASE: dict[str, Any] = {
    "actor": {"objectType": "Agent", "mbox": "mailto:learner@lms.example"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-US": "experienced"}},
    "object": {"objectType": "Activity", "id": ACTIVITY},
}


def with_(path: str, value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """BASE with one property set (dotted path); value DELETE removes it."""
    statement = copy.deepcopy(base or BASE)
    *parents, last = path.split(".")
    target = statement
    for name in parents:
        target = target.setdefault(name, {})
    if value is DELETE:
        target.pop(last, None)
    else:
        target[last] = value
    return statement


DELETE = object()
GROUP = {"objectType": "Group", "name": "Cohort", "member": [{"mbox": "mailto:a@lms.example"}]}
SUB = {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:planner@lms.example"},
    "verb": {"id": "http://example.com/verbs/will-do"},
    "object": {"id": ACTIVITY},
}

VALID = {
    "minimal": BASE,
    "activity without objectType": with_("object", {"id": ACTIVITY}),
    "agent by account": with_("actor", {"account": {"homePage": "https://lms.example", "name": "E00001"}}),
    "agent by openid": with_("actor", {"openid": "https://id.example/alice"}),
    "agent by mbox_sha1sum": with_("actor", {"mbox_sha1sum": "a" * 40}),
    "anonymous group": with_("actor", GROUP),
    "identified group without members": with_(
        "actor", {"objectType": "Group", "mbox": "mailto:g@lms.example"}
    ),
    "agent as object": with_("object", {"objectType": "Agent", "mbox": "mailto:b@lms.example"}),
    "statement ref object": with_(
        "object", {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}
    ),
    "substatement": with_("object", SUB),
    "full result": with_(
        "result",
        {
            "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
            "success": True,
            "completion": True,
            "response": "yes",
            "duration": "PT1H2M3.5S",
            "extensions": {"http://x.example/e": None},
        },
    ),
    "context": with_(
        "context",
        {
            "registration": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb",
            "instructor": {"mbox": "mailto:t@lms.example"},
            "team": GROUP,
            "contextActivities": {"parent": {"id": "http://lms.example/course"}},
            "revision": "2",
            "platform": "LMS",
            "language": "en-US",
            "statement": {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"},
            "extensions": {"http://x.example/ctx": {"any": ["json"]}},
        },
    ),
    "2.0 contextAgents and contextGroups": with_(
        "context",
        {
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:c@lms.example"},
                    "relevantTypes": ["http://x.example/type"],
                }
            ],
            "contextGroups": [{"objectType": "contextGroup", "group": GROUP}],
        },
    ),
    "timestamp with offset": with_("timestamp", "2026-11-23T10:00:00.123+02:00"),
    "RFC 3339 timestamp with a space": with_("timestamp", "2008-09-15 15:53:00.601+00:00"),
    "version 1.0.3": with_("version", "1.0.3"),
    "interaction activity": with_(
        "object.definition",
        {
            "interactionType": "choice",
            "correctResponsesPattern": ["a"],
            "choices": [
                {"id": "a", "description": {"en-US": "A"}},
                {"id": "b", "description": {"en-US": "B"}},
            ],
        },
    ),
    "attachment with fileUrl": with_(
        "attachments",
        [
            {
                "usageType": "http://x.example/u",
                "display": {"en-US": "cert"},
                "contentType": "application/pdf",
                "length": 10,
                "sha2": "a" * 64,
                "fileUrl": "https://files.example/cert.pdf",
            }
        ],
    ),
}

INVALID = {
    "unknown top-level property": (with_("colour", "blue"), "colour"),
    "missing actor": (with_("actor", DELETE), "actor"),
    "missing verb": (with_("verb", DELETE), "verb"),
    "missing object": (with_("object", DELETE), "object"),
    "id not a UUID": (with_("id", "not-a-uuid"), "id"),
    "agent with two IFIs": (with_("actor.openid", "https://id.example/a"), "actor"),
    "agent without IFI": (with_("actor", {"name": "Nobody"}), "actor"),
    "mbox without mailto": (with_("actor", {"mbox": "learner@lms.example"}), "actor.mbox"),
    "mbox_sha1sum not hex": (with_("actor", {"mbox_sha1sum": "xyz"}), "actor.mbox_sha1sum"),
    "account without homePage": (with_("actor", {"account": {"name": "E1"}}), "actor.account.homePage"),
    "account with extra property": (
        with_("actor", {"account": {"homePage": "https://a.example", "name": "x", "id": 1}}),
        "actor.account",
    ),
    "agent objectType wrong case": (with_("actor.objectType", "agent"), "actor.objectType"),
    "anonymous group without members": (
        with_("actor", {"objectType": "Group", "member": []}),
        "actor.member",
    ),
    "group inside a group": (
        with_(
            "actor",
            {"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@x.example"}]},
        ),
        "actor.member[0]",
    ),
    "verb id not an IRI": (with_("verb.id", "completed"), "verb.id"),
    "verb display not a language map": (with_("verb.display", "done"), "verb.display"),
    "bad language tag": (with_("verb.display", {"not a tag": "x"}), "verb.display"),
    "activity id not an IRI": (with_("object.id", "intro"), "object.id"),
    "unknown object type": (with_("object.objectType", "Thing"), "object.objectType"),
    "activity with unknown property": (with_("object.colour", "red"), "object"),
    "definition type not an IRI": (with_("object.definition", {"type": "course"}), "object.definition.type"),
    "bad interactionType": (with_("object.definition", {"interactionType": "essay"}), "interactionType"),
    "components without interactionType": (
        with_("object.definition", {"choices": [{"id": "a"}]}),
        "object.definition.interactionType",
    ),
    "repeated component ids": (
        with_("object.definition", {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}),
        "choices[1].id",
    ),
    "extension key not an IRI": (with_("object.definition", {"extensions": {"colour": 1}}), "extensions"),
    "statement ref with bad id": (with_("object", {"objectType": "StatementRef", "id": "x"}), "object.id"),
    "substatement in substatement": (with_("object", {**SUB, "object": SUB}), "object.object"),
    "substatement with id": (
        with_("object", {**SUB, "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}),
        "object",
    ),
    "substatement with stored": (with_("object", {**SUB, "stored": "2026-01-01T00:00:00Z"}), "object"),
    "scaled above 1": (with_("result", {"score": {"scaled": 1.5}}), "result.score.scaled"),
    "raw above max": (with_("result", {"score": {"raw": 11, "min": 0, "max": 10}}), "result.score.raw"),
    "min above max": (with_("result", {"score": {"min": 5, "max": 1}}), "result.score.min"),
    "score not a number": (with_("result", {"score": {"raw": "5"}}), "result.score.raw"),
    "success not boolean": (with_("result", {"success": "true"}), "result.success"),
    "bad duration": (with_("result", {"duration": "1 hour"}), "result.duration"),
    "registration not a UUID": (with_("context", {"registration": "abc"}), "context.registration"),
    "team is an agent": (with_("context", {"team": {"mbox": "mailto:t@x.example"}}), "context.team"),
    "revision with agent object": (
        with_(
            "context",
            {"revision": "1"},
            with_("object", {"objectType": "Agent", "mbox": "mailto:b@x.example"}),
        ),
        "context.revision",
    ),
    "platform with statement ref object": (
        with_(
            "context",
            {"platform": "LMS"},
            with_("object", {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}),
        ),
        "context.platform",
    ),
    "unknown context activity kind": (
        with_("context", {"contextActivities": {"uncle": [{"id": ACTIVITY}]}}),
        "contextActivities",
    ),
    "context language not a tag": (with_("context", {"language": "english language"}), "context.language"),
    "contextAgent without objectType": (
        with_("context", {"contextAgents": [{"agent": {"mbox": "mailto:c@x.example"}}]}),
        "objectType",
    ),
    "empty relevantTypes": (
        with_(
            "context",
            {
                "contextAgents": [
                    {
                        "objectType": "contextAgent",
                        "agent": {"mbox": "mailto:c@x.example"},
                        "relevantTypes": [],
                    }
                ]
            },
        ),
        "relevantTypes",
    ),
    "timestamp not a date": (with_("timestamp", "01/011/2015"), "timestamp"),
    "timestamp with -00:00": (with_("timestamp", "2008-09-15T15:53:00.601-00:00"), "timestamp"),
    "timestamp with -0000": (with_("timestamp", "2008-09-15T15:53:00.601-0000"), "timestamp"),
    "timestamp with -00": (with_("timestamp", "2008-09-15T15:53:00.601-00"), "timestamp"),
    "version 3.0": (with_("version", "3.0.0"), "version"),
    "attachment without sha2": (
        with_(
            "attachments",
            [
                {
                    "usageType": "http://x.example/u",
                    "display": {"en-US": "a"},
                    "contentType": "text/plain",
                    "length": 1,
                }
            ],
        ),
        "sha2",
    ),
    "attachment length negative": (
        with_(
            "attachments",
            [
                {
                    "usageType": "http://x.example/u",
                    "display": {"en-US": "a"},
                    "contentType": "text/plain",
                    "length": -1,
                    "sha2": "a" * 64,
                }
            ],
        ),
        "length",
    ),
    "voiding a non-StatementRef": (with_("verb.id", "http://adlnet.gov/expapi/verbs/voided"), "object"),
    "null verb": (with_("verb", None), "verb"),
}


@pytest.mark.parametrize("statement", list(VALID.values()), ids=list(VALID))
def test_valid_statements_pass(statement: dict[str, Any]) -> None:
    validate_statement(copy.deepcopy(statement))


@pytest.mark.parametrize(("statement", "field"), list(INVALID.values()), ids=list(INVALID))
def test_invalid_statements_are_rejected_naming_the_field(statement: dict[str, Any], field: str) -> None:
    with pytest.raises(XapiError) as raised:
        validate_statement(statement)
    assert raised.value.status_code == 400
    assert field in raised.value.message


def test_a_single_context_activity_becomes_a_list() -> None:
    statement = validate_statement(with_("context", {"contextActivities": {"parent": {"id": ACTIVITY}}}))
    assert statement["context"]["contextActivities"]["parent"] == [{"id": ACTIVITY}]


def test_batch_errors_name_the_statement_index() -> None:
    with pytest.raises(XapiError, match=r"statements\[1\]\.verb\.id"):
        validate_batch([BASE, with_("verb.id", "nope")])


def test_put_body_id_must_match_the_parameter() -> None:
    with pytest.raises(XapiError, match="statementId"):
        validate_batch(
            with_("id", "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"), "1e13cefd-53d3-4eac-b5ed-2cf6693903bb"
        )
