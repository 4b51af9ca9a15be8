"""Statement resource, reading: by id, every query parameter, paging, formats and headers."""

import json
import time
import uuid

import pytest

from pathways.xapi import formats
from tests.xapi.conftest import COMPLETED, EXPERIENCED, Lrs, agent, basic, statement
from tests.xapi.test_alternate_syntax import form_post

COURSE = "http://lms.example/courses/phlebotomy"


def ids(response: object) -> list[str]:
    return [s["id"] for s in response.json()["statements"]]  # type: ignore[attr-defined]


def test_single_statement_headers(lrs: Lrs) -> None:
    s = statement()
    lrs.post(s)
    response = lrs.get({"statementId": s["id"]})
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response.headers["Last-Modified"].endswith("GMT")
    assert response.headers["Content-Type"].startswith("application/json")


def test_single_statement_errors(lrs: Lrs) -> None:
    assert lrs.get({"statementId": str(uuid.uuid4())}).status_code == 404
    assert lrs.get({"statementId": "nope"}).status_code == 400
    both = {"statementId": str(uuid.uuid4()), "voidedStatementId": str(uuid.uuid4())}
    assert lrs.get(both).status_code == 400
    response = lrs.get({"statementId": str(uuid.uuid4()), "verb": EXPERIENCED})
    assert response.status_code == 400 and "verb" in response.json()["message"]


def test_query_returns_a_statement_result_newest_first(lrs: Lrs) -> None:
    first, second = statement(), statement()
    lrs.post(first)
    time.sleep(0.002)
    lrs.post(second)
    body = lrs.get().json()
    assert set(body) == {"statements", "more"}
    assert body["more"] == ""
    assert ids(lrs.get())[:2] == [second["id"], first["id"]]
    assert ids(lrs.get({"ascending": "true"}))[-2:] == [first["id"], second["id"]]


def test_filters_agent_verb_activity_registration(lrs: Lrs) -> None:
    registration = str(uuid.uuid4())
    mine = statement(COMPLETED, COURSE, who="bo", context={"registration": registration})
    other = statement(EXPERIENCED, "http://lms.example/other", who="cy")
    lrs.post([mine, other])
    assert ids(lrs.get({"agent": json.dumps(agent("bo"))})) == [mine["id"]]
    assert ids(lrs.get({"verb": COMPLETED})) == [mine["id"]]
    assert ids(lrs.get({"activity": COURSE})) == [mine["id"]]
    assert ids(lrs.get({"registration": registration})) == [mine["id"]]
    assert ids(lrs.get({"agent": json.dumps(agent("bo")), "verb": EXPERIENCED})) == []


def test_agent_filter_matches_object_agents_and_group_members(lrs: Lrs) -> None:
    about_dee = statement(object={"objectType": "Agent", "mbox": "mailto:dee@lms.example"})
    team = statement()
    team["actor"] = {"objectType": "Group", "member": [agent("dee"), agent("eve")]}
    lrs.post([about_dee, team])
    assert set(ids(lrs.get({"agent": json.dumps(agent("dee"))}))) == {about_dee["id"], team["id"]}


def test_related_agents_and_related_activities(lrs: Lrs) -> None:
    s = statement(context={"instructor": agent("tutor"), "contextActivities": {"parent": [{"id": COURSE}]}})
    lrs.post(s)
    assert ids(lrs.get({"agent": json.dumps(agent("tutor"))})) == []
    assert ids(lrs.get({"agent": json.dumps(agent("tutor")), "related_agents": "true"})) == [s["id"]]
    assert ids(lrs.get({"activity": COURSE})) == []
    assert ids(lrs.get({"activity": COURSE, "related_activities": "true"})) == [s["id"]]
    authority = {"account": {"homePage": "https://pathways.example/xapi/clients", "name": lrs.key}}
    assert s["id"] in ids(lrs.get({"agent": json.dumps(authority), "related_agents": "true"}))


def test_since_until_and_limit(lrs: Lrs) -> None:
    before = statement(who="fay")
    lrs.post(before)
    cut = lrs.get({"statementId": before["id"]}).json()["stored"]
    time.sleep(0.005)
    after = statement(who="fay")
    lrs.post(after)
    who = json.dumps(agent("fay"))
    assert ids(lrs.get({"agent": who, "since": cut})) == [after["id"]]
    assert ids(lrs.get({"agent": who, "until": cut})) == [before["id"]]
    assert ids(lrs.get({"agent": who, "limit": "1"})) == [after["id"]]


def test_more_pages_through_everything_once_even_as_new_statements_arrive(lrs: Lrs) -> None:
    batch = [statement(who="gus") for _ in range(5)]
    lrs.post(batch)
    seen: list[str] = []
    response = lrs.get({"agent": json.dumps(agent("gus")), "limit": "2"})
    lrs.post(statement(who="gus"))  # arrives while the client pages
    while True:
        body = response.json()
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?more=")
        response = lrs.client.get(body["more"], headers=lrs.headers())
        assert response.status_code == 200
    assert sorted(seen) == sorted(s["id"] for s in batch)


def test_bad_query_values_are_400(lrs: Lrs) -> None:
    for params in (
        {"agent": "not json"},
        {"agent": json.dumps({"name": "no identifier"})},
        {"verb": "not an iri"},
        {"activity": "not an iri"},
        {"registration": "x"},
        {"since": "yesterday"},
        {"limit": "-1"},
        {"limit": "many"},
        {"format": "pretty"},
        {"ascending": "yes"},
        {"colour": "blue"},
        {"more": "garbage"},
    ):
        response = lrs.get(params)
        assert response.status_code == 400, params
        assert response.json()["message"], params


def test_format_ids_keeps_only_identifiers(lrs: Lrs) -> None:
    s = statement()
    s["object"]["definition"] = {"name": {"en-US": "Intro"}}
    lrs.post(s)
    got = lrs.get({"statementId": s["id"], "format": "ids"}).json()
    assert got["actor"] == {"objectType": "Agent", "mbox": s["actor"]["mbox"]}
    assert got["verb"] == {"id": s["verb"]["id"]}
    assert got["object"] == {"id": s["object"]["id"]}  # an Activity's identifier is its id alone


def test_format_canonical_picks_one_language(lrs: Lrs) -> None:
    s = statement()
    s["verb"]["display"] = {"en-US": "experienced", "fr-FR": "a vécu"}
    lrs.post(s)
    got = lrs.get({"statementId": s["id"], "format": "canonical"}, headers={"Accept-Language": "fr"}).json()
    assert got["verb"]["display"] == {"fr-FR": "a vécu"}
    exact = lrs.get({"statementId": s["id"], "format": "exact"}).json()
    assert exact["verb"]["display"] == s["verb"]["display"]


def test_head_has_the_headers_and_no_body(lrs: Lrs) -> None:
    s = statement()
    lrs.post(s)
    response = lrs.request("HEAD", "/statements", params={"statementId": s["id"]})
    assert response.status_code == 200
    assert response.content == b""
    assert "X-Experience-API-Consistent-Through" in response.headers
    assert lrs.request("HEAD", "/statements", params={"statementId": str(uuid.uuid4())}).status_code == 404


def test_every_kind_of_valid_statement_stores_and_reads_back_in_every_format(lrs: Lrs) -> None:
    from tests.xapi.test_validation import VALID

    batch = []
    for example in VALID.values():
        s = json.loads(json.dumps(example))
        s["id"] = str(uuid.uuid4())
        if "attachments" not in s:
            batch.append(s)
    assert lrs.post(batch).status_code == 200
    for fmt in ("exact", "ids", "canonical"):
        for s in batch:
            response = lrs.get({"statementId": s["id"], "format": fmt})
            assert response.status_code == 200, (fmt, response.text)
            assert response.json()["id"] == s["id"]
    assert lrs.get({"format": "ids", "limit": "50"}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"statementId": str(uuid.uuid4())}, {"statementId": "nope"}, {"LIMIT": "1"}, {"verb": "not an IRI"}],
)
def test_consistent_through_is_sent_whatever_the_status(lrs: Lrs, params: dict[str, str]) -> None:
    """Communication 2.1.3.s2.b5 (xAPI 1.0.3; conformance requirement XAPI-00153): the Statement resource
    returns X-Experience-API-Consistent-Through on a GET "regardless of the code returned", 404 and 400
    included, and on HEAD and a GET sent in the alternate request syntax as well."""
    for method in ("GET", "HEAD"):
        response = lrs.request(method, "/statements", params=params)
        assert response.status_code in (400, 404)
        assert formats.parse_timestamp(response.headers["X-Experience-API-Consistent-Through"]) is not None
    version_only = {"X-Experience-API-Version": "2.0.0"}
    unauthenticated = lrs.client.get("/xapi/statements", params=params, headers=version_only)
    assert unauthenticated.status_code == 401
    assert "X-Experience-API-Consistent-Through" in unauthenticated.headers
    auth = {"Authorization": basic(lrs.key, lrs.secret), "X-Experience-API-Version": "1.0.3"}
    form = form_post(lrs, "/statements", "GET", {**auth, **params})
    assert form.status_code in (400, 404)  # type: ignore[attr-defined]
    assert "X-Experience-API-Consistent-Through" in form.headers  # type: ignore[attr-defined]


def test_consistent_through_is_at_or_before_the_stored_time_of_a_statement_written_after_it(lrs: Lrs) -> None:
    """Statements stored before the header's time are in the result; one stored after the read began is not
    promised: the value is never later than the moment the read started."""
    before = lrs.get({"limit": "1"}).headers["X-Experience-API-Consistent-Through"]
    s = statement()
    lrs.post(s)
    stored = lrs.get({"statementId": s["id"]}).json()["stored"]
    assert formats.parse_timestamp(before) <= formats.parse_timestamp(stored)  # type: ignore[operator]
