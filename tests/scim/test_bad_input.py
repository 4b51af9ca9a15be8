"""Whatever an identity system sends, /scim/v2 answers in SCIM's format and never with a 500: generated
bodies and patch operations, built around the attributes Pathways publishes."""

from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.scim.schemas import CORE_USER, ENTERPRISE_USER
from tests.org.people_files import person

NAMES = [
    "userName", "externalId", "displayName", "title", "emails", "active", "id", "meta", "schemas",
    ENTERPRISE_USER, f"{ENTERPRISE_USER}:manager", f"{ENTERPRISE_USER}:employeeNumber",
    f"{ENTERPRISE_USER}:department", "emails[primary eq true].value", "name.givenName", "nickName",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from([*NAMES, "value", "primary"]), inner, max_size=4),
    ),
    max_leaves=8,
)
operations = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "replace", "remove", "Replace", "copy"])},
    optional={"path": st.one_of(st.sampled_from(NAMES), st.text(max_size=30)), "value": values},
)


def scim_answer(response: Any) -> None:
    assert response.status_code < 500, response.text
    assert (
        response.headers.get("content-type", "").startswith("application/scim+json")
        or response.status_code == 204
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operations, min_size=1, max_size=3))
def test_generated_patches(scim: TestClient, session: Session, ops: list[dict[str, Any]]) -> None:
    alice = person(session, "psr_alice")
    scim_answer(
        scim.patch(
            f"/scim/v2/Users/{alice.id}",
            json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops},
        )
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(NAMES), values, max_size=6))
def test_generated_users(scim: TestClient, body: dict[str, Any]) -> None:
    scim_answer(scim.post("/scim/v2/Users", json={"schemas": [CORE_USER, ENTERPRISE_USER], **body}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60), st.text(max_size=12), st.text(max_size=12))
def test_generated_queries(scim: TestClient, expression: str, start: str, count: str) -> None:
    scim_answer(
        scim.get("/scim/v2/Users", params={"filter": expression, "startIndex": start, "count": count})
    )
    scim_answer(scim.get(f"/scim/v2/Users/{quote(expression, safe='') or 'x'}"))


def patch_of(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": list(operations)}


def test_no_scim_answer_echoes_a_long_or_raw_value(scim: TestClient, session: Session) -> None:
    """As tests/security/test_echo.py checks for the rest of the app (which leaves /scim to this test)."""
    from tests.security.test_echo import HOSTILE, echoes

    alice = person(session, "psr_alice")
    hostile_user = {"schemas": [CORE_USER, ENTERPRISE_USER], "userName": HOSTILE, "displayName": HOSTILE,
                    "title": HOSTILE, "emails": [{"value": HOSTILE}], "active": True,
                    ENTERPRISE_USER: {"employeeNumber": HOSTILE, "department": HOSTILE}}  # fmt: skip
    answers = [
        scim.get(f"/scim/v2/Users/{quote(HOSTILE)}"),
        scim.get("/scim/v2/Users", params={"filter": f'userName eq "{HOSTILE}"'}),
        scim.get("/scim/v2/Users", params={"filter": f"{'a' * 5000} eq 1"}),
        scim.get("/scim/v2/Users", params={"count": HOSTILE}),
        scim.get("/scim/v2/Users", params={"attributes": HOSTILE}),
        scim.get(f"/scim/v2/Schemas/{quote(HOSTILE)}"),
        scim.post("/scim/v2/Users", json=hostile_user),
        scim.post("/scim/v2/Users", json={**hostile_user, "userName": "ok", "title": "psr-1"}),
        scim.patch(
            f"/scim/v2/Users/{alice.id}", json=patch_of({"op": "replace", "path": HOSTILE, "value": 1})
        ),
        scim.patch(
            f"/scim/v2/Users/{alice.id}", json=patch_of({"op": HOSTILE, "path": "active", "value": 1})
        ),
    ]
    problems = [(a.request.url.path[:40], a.status_code, echoes(a.text)) for a in answers if echoes(a.text)]
    assert problems == []
    assert all(400 <= a.status_code < 500 for a in answers), [a.status_code for a in answers]
