"""State, Activity Profile and Agent Profile resources; Activities, Agents and About."""

import hashlib
import json
import time
import uuid
from typing import Any

import pytest

from tests.xapi.conftest import Lrs, agent, statement

ACTIVITY = "http://lms.example/activities/intro"
AGENT = json.dumps(agent("ida"))
RESOURCES = {
    "state": ("/activities/state", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
    "activity profile": ("/activities/profile", {"activityId": ACTIVITY}, "profileId"),
    "agent profile": ("/agents/profile", {"agent": AGENT}, "profileId"),
}


def call(
    lrs: Lrs,
    method: str,
    resource: str,
    doc_id: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    **params: str,
) -> Any:
    path, scope, id_name = RESOURCES[resource]
    query = {**scope, **params, **({id_name: doc_id} if doc_id else {})}
    content = json.dumps(body).encode() if body is not None else None
    extra = {"Content-Type": "application/json", **(headers or {})} if body is not None else headers
    return lrs.request(method, path, params=query, content=content, headers=extra)


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_document_lifecycle_with_etags(lrs: Lrs, resource: str) -> None:
    doc_id = f"doc-{uuid.uuid4()}"
    assert call(lrs, "GET", resource, doc_id).status_code == 404
    assert call(lrs, "PUT", resource, doc_id, {"a": 1}).status_code == 204
    got = call(lrs, "GET", resource, doc_id)
    assert got.status_code == 200 and got.json() == {"a": 1}
    etag = got.headers["ETag"]
    assert etag == f'"{hashlib.sha1(got.content).hexdigest()}"'
    assert "Last-Modified" in got.headers

    # PUT over an existing document needs a precondition (409 without), a stale one fails (412).
    assert call(lrs, "PUT", resource, doc_id, {"a": 2}).status_code == 409
    assert call(lrs, "PUT", resource, doc_id, {"a": 2}, {"If-Match": '"' + "1" * 40 + '"'}).status_code == 412
    assert call(lrs, "PUT", resource, doc_id, {"a": 2}, {"If-None-Match": "*"}).status_code == 412
    assert call(lrs, "GET", resource, doc_id).json() == {"a": 1}
    assert call(lrs, "PUT", resource, doc_id, {"a": 2}, {"If-Match": etag}).status_code == 204

    # POST merges JSON objects, top-level properties of the new one winning.
    assert call(lrs, "POST", resource, doc_id, {"b": 3}).status_code == 204
    assert call(lrs, "GET", resource, doc_id).json() == {"a": 2, "b": 3}
    assert call(lrs, "POST", resource, doc_id, {"b": 4}, {"If-Match": etag}).status_code == 412

    assert call(lrs, "DELETE", resource, doc_id, headers={"If-Match": etag}).status_code == 412
    assert call(lrs, "DELETE", resource, doc_id).status_code == 204
    assert call(lrs, "GET", resource, doc_id).status_code == 404


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_listing_ids_with_since(lrs: Lrs, resource: str) -> None:
    call(lrs, "PUT", resource, "first", {"n": 1})
    time.sleep(0.005)
    cut = statement_time_now()
    time.sleep(0.005)
    call(lrs, "PUT", resource, "second", {"n": 2})
    assert call(lrs, "GET", resource).json() == ["first", "second"]
    assert call(lrs, "GET", resource, since=cut).json() == ["second"]
    assert call(lrs, "GET", resource, since="not a time").status_code == 400


def statement_time_now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_head_on_documents_activities_and_agents(lrs: Lrs) -> None:
    call(lrs, "PUT", "state", "head", {"h": 1})
    response = call(lrs, "HEAD", "state", "head")
    assert response.status_code == 200 and response.content == b"" and "ETag" in response.headers
    assert call(lrs, "HEAD", "state", "missing").status_code == 404
    assert lrs.request("HEAD", "/activities", params={"activityId": ACTIVITY}).status_code == 200
    assert lrs.request("HEAD", "/agents", params={"agent": AGENT}).status_code == 200


def test_post_merge_needs_json_on_both_sides(lrs: Lrs) -> None:
    path, scope, _ = RESOURCES["state"]
    params = {**scope, "stateId": "text"}
    lrs.request("PUT", path, params=params, content=b"plain text", headers={"Content-Type": "text/plain"})
    response = lrs.request(
        "POST", path, params=params, content=b'{"a":1}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert call(lrs, "POST", "state", "json", [1, 2]).status_code == 400  # not an object
    got = lrs.request("GET", path, params=params)
    assert got.content == b"plain text" and got.headers["Content-Type"].startswith("text/plain")


def test_state_is_scoped_by_registration_and_deleted_as_a_set(lrs: Lrs) -> None:
    registration = str(uuid.uuid4())
    call(lrs, "PUT", "state", "s1", {"r": True}, registration=registration)
    call(lrs, "PUT", "state", "s2", {"r": True}, registration=registration)
    assert call(lrs, "GET", "state", "s1").status_code == 404
    assert call(lrs, "GET", "state", registration=registration).json() == ["s1", "s2"]
    assert call(lrs, "DELETE", "state", registration=registration).status_code == 204
    assert call(lrs, "GET", "state", registration=registration).json() == []


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("resource", ["activity profile", "agent profile"])
def test_profile_put_without_preconditions_over_an_existing_document_is_409_in_both_versions(
    lrs: Lrs, resource: str, version: str
) -> None:
    """xAPI 1.0.3 Communication 3.1 Concurrency (3.1.s4.b13-b15) and xAPI 2.0 (IEEE 9274.1.1) Concurrency:
    a PUT without If-Match or If-None-Match over an existing document gets 409 Conflict, a response saying to
    check the resource and send If-Match, and changes nothing. 2.0 keeps 409 (not 428 Precondition Required).
    """
    lrs.version = version
    doc_id = f"doc-{uuid.uuid4()}"
    assert call(lrs, "PUT", resource, doc_id, {"a": 1}, {"If-None-Match": "*"}).status_code == 204
    refused = call(lrs, "PUT", resource, doc_id, {"a": 2})
    assert refused.status_code == 409
    assert "If-Match" in refused.json()["message"]
    assert refused.headers["X-Experience-API-Version"].startswith(version[:3])
    assert call(lrs, "GET", resource, doc_id).json() == {"a": 1}


@pytest.mark.parametrize("resource", ["activity profile", "agent profile"])
def test_a_1_0_3_profile_put_needs_a_precondition_even_for_a_new_document(lrs: Lrs, resource: str) -> None:
    """xAPI 1.0.3 Communication 2.6 and 2.7 (conformance XAPI-00273): a PUT of a profile document without
    If-Match or If-None-Match is refused with 400, and nothing is written; 2.0 accepts it for a new one."""
    lrs.version = "1.0.3"
    doc_id = f"doc-{uuid.uuid4()}"
    refused = call(lrs, "PUT", resource, doc_id, {"a": 1})
    assert refused.status_code == 400
    assert "If-None-Match" in refused.json()["message"]
    assert refused.headers["X-Experience-API-Version"] == "1.0.3"
    assert call(lrs, "GET", resource, doc_id).status_code == 404
    lrs.version = "2.0.0"
    assert call(lrs, "PUT", resource, doc_id, {"a": 1}).status_code == 204


def test_a_1_0_3_client_may_overwrite_state_without_preconditions(lrs: Lrs) -> None:
    lrs.version = "1.0.3"
    call(lrs, "PUT", "state", "bookmark", {"page": 1})
    assert call(lrs, "PUT", "state", "bookmark", {"page": 2}).status_code == 204
    assert call(lrs, "GET", "state", "bookmark").json() == {"page": 2}


def test_document_parameters_are_checked(lrs: Lrs) -> None:
    assert (
        lrs.request("GET", "/activities/state", params={"activityId": ACTIVITY, "stateId": "x"}).status_code
        == 400
    )
    bad_agent = {"activityId": ACTIVITY, "agent": json.dumps({"name": "x"}), "stateId": "x"}
    assert lrs.request("GET", "/activities/state", params=bad_agent).status_code == 400
    bad_activity = {"activityId": "not an iri", "profileId": "x"}
    assert lrs.request("GET", "/activities/profile", params=bad_activity).status_code == 400
    assert lrs.request("DELETE", "/agents/profile", params={"agent": AGENT}).status_code == 400
    assert call(lrs, "GET", "state", "x", registration="nope").status_code == 400
    assert call(lrs, "GET", "agent profile", "x", colour="blue").status_code == 400


def test_activities_resource_merges_definitions_from_statements(lrs: Lrs) -> None:
    activity = f"http://lms.example/activities/{uuid.uuid4()}"
    first = statement(activity=activity)
    first["object"]["definition"] = {
        "name": {"en-US": "Intro"},
        "type": "http://adlnet.gov/expapi/activities/course",
    }
    second = statement(activity=activity)
    second["object"]["definition"] = {"name": {"fr-FR": "Introduction"}}
    lrs.post(first)
    time.sleep(0.002)
    lrs.post(second)
    got = lrs.request("GET", "/activities", params={"activityId": activity}).json()
    assert got["id"] == activity
    assert got["definition"]["name"] == {"en-US": "Intro", "fr-FR": "Introduction"}
    assert got["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    unknown = lrs.request("GET", "/activities", params={"activityId": "http://lms.example/unknown"}).json()
    assert unknown == {"objectType": "Activity", "id": "http://lms.example/unknown"}
    assert lrs.request("GET", "/activities").status_code == 400


def test_agents_resource_returns_a_person(lrs: Lrs) -> None:
    got = lrs.request("GET", "/agents", params={"agent": AGENT})
    assert got.status_code == 200
    assert got.json() == {"objectType": "Person", "name": ["ida"], "mbox": ["mailto:ida@lms.example"]}
    assert lrs.request("GET", "/agents", params={"agent": "{}"}).status_code == 400


def test_about_needs_neither_credentials_nor_version(lrs: Lrs) -> None:
    response = lrs.client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json()["version"] == ["1.0.3", "2.0.0"]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
