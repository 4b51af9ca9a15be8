"""1.0.3's alternate request syntax works for 1.0.x clients and is refused in 2.0."""

import json
from urllib.parse import urlencode

from tests.xapi.conftest import Lrs, basic, statement

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def form_post(lrs: Lrs, path: str, method: str, fields: dict[str, str]) -> object:
    return lrs.client.post(f"/xapi{path}", params={"method": method}, content=urlencode(fields), headers=FORM)


def test_a_1_0_3_client_can_put_and_get_a_statement_through_a_form(lrs: Lrs) -> None:
    s = statement()
    auth = {"Authorization": basic(lrs.key, lrs.secret), "X-Experience-API-Version": "1.0.3"}
    put = form_post(lrs, "/statements", "PUT", {**auth, "statementId": s["id"], "content": json.dumps(s)})
    assert put.status_code == 204, put.text  # type: ignore[attr-defined]
    got = form_post(lrs, "/statements", "GET", {**auth, "statementId": s["id"]})
    assert got.json()["id"] == s["id"]  # type: ignore[attr-defined]
    assert got.headers["X-Experience-API-Version"] == "1.0.3"  # type: ignore[attr-defined]


def test_a_1_0_3_client_can_write_state_through_a_form(lrs: Lrs) -> None:
    fields = {
        "Authorization": basic(lrs.key, lrs.secret),
        "X-Experience-API-Version": "1.0.3",
        "activityId": "http://lms.example/activities/intro",
        "agent": json.dumps({"mbox": "mailto:jo@lms.example"}),
        "stateId": "bookmark",
        "content": json.dumps({"page": 3}),
    }
    assert form_post(lrs, "/activities/state", "PUT", fields).status_code == 204  # type: ignore[attr-defined]
    got = form_post(lrs, "/activities/state", "GET", {k: v for k, v in fields.items() if k != "content"})
    assert got.json() == {"page": 3}  # type: ignore[attr-defined]


def test_the_alternate_syntax_is_refused_in_2_0_and_when_malformed(lrs: Lrs) -> None:
    s = statement()
    auth = {"Authorization": basic(lrs.key, lrs.secret)}
    for version, extra_url, content_type in (
        ("2.0.0", {}, FORM["Content-Type"]),
        ("1.0.3", {"statementId": s["id"]}, FORM["Content-Type"]),
        ("1.0.3", {}, "application/json"),
    ):
        fields = {
            **auth,
            "X-Experience-API-Version": version,
            "statementId": s["id"],
            "content": json.dumps(s),
        }
        response = lrs.client.post(
            "/xapi/statements",
            params={"method": "PUT", **extra_url},
            content=urlencode(fields),
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 400, (version, extra_url, content_type)
    assert lrs.post(s, params={"method": "GET"}).status_code == 400
