"""The authorization matrix, generated from the app's own route table.

Every route, for an anonymous visitor and for each kind of account: anonymous callers never get data,
signed-in callers never get a 5xx, and routes about one employee refuse people outside that employee's
scope. A new route with a path parameter this file has no sample for fails here until someone decides what
it should be.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.certifications.models import Certification
from pathways.content import case
from pathways.org.models import Employee
from pathways.stories.models import Story
from tests.helpers import page_csrf, sign_in

ACCOUNTS = ["psr_alice", "lead_bea", "sup_carl", "trainer_tina", "admin_ada", "outsider_dan"]
# Open to anyone: the sign-in page itself, the health check, the API description. Static files are mounted.
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/healthz"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),  # the API described for people (api_docs.py): nothing in it is anyone's data
    ("GET", "/xapi/about"),  # LMS clients read the versions before they authenticate
    # Signing in another way, or getting back in: before there is anyone to sign in.
    ("GET", "/auth/oidc/start"),
    ("GET", "/auth/oidc/callback"),
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/reset/{token}"),
    ("POST", "/password/reset/{token}"),
    # CASE consumers read the published framework (competencies, levels, role requirements): no one's record.
    ("GET", "/ims/case/v1p0/CFDocuments"),
    ("GET", "/ims/case/v1p0/CFDocuments/{sourced_id}"),
    ("GET", "/ims/case/v1p0/CFPackages/{sourced_id}"),
    ("GET", "/ims/case/v1p0/CFItems/{sourced_id}"),
    # Open Badges: a verifier has no account (issue 19). Nothing here is anyone's data beyond what the
    # holder shares by handing out the badge: the issuer profile, its public keys, the revocation list.
    ("GET", "/badges/verify"),
    ("POST", "/badges/verify"),
    ("GET", "/api/v1/badges/verify"),
    ("POST", "/api/v1/badges/verify"),
    ("GET", "/badges/issuer"),
    ("GET", "/badges/issuer/jwks.json"),
    ("GET", "/badges/status/{list_number}"),
    ("GET", "/badges/achievements/{achievement_key:path}"),
}
# Machine clients with their own credentials (HTTP Basic for the LRS, a SCIM bearer token for identity
# systems), never the browser session.
OWN_AUTH_PREFIXES = ("/xapi", "/scim")
PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


def walk(routes: list[Any]) -> Iterator[APIRoute]:
    # FastAPI keeps included routers as their own nodes; their routes carry the full path already.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from walk(route.original_router.routes)


def routes() -> list[tuple[str, str]]:
    found = [(m, r.path) for r in walk(create_app().routes) for m in sorted(r.methods - {"HEAD"})]
    assert len(found) > 20, "the route table walk found almost nothing: has FastAPI's router changed?"
    return sorted(set(found))


def samples(session: Session) -> dict[str, str]:
    alice = session.scalar(select(Employee.id).where(Employee.email == "psr_alice@pathways.example"))
    story = session.scalar(select(Story.slug).order_by(Story.slug))
    # Alice's demo certificate, waiting for verification: her supervisor may verify it, Dan may not see it.
    certificate = session.scalar(select(Certification.id).where(Certification.employee_id == alice))
    return {
        "code": "psr-2",
        "slug": str(story),
        "employee_id": str(alice),
        "id": str(alice),
        "notification_id": "1",
        "manager_id": str(alice),
        "tracker_id": "1",
        "conversation_id": "1",
        "goal_id": "1",
        "attempt_id": "1",
        "set_id": "1",
        "assignment_id": "1",
        "claim_id": "1",
        "import_id": "1",
        "outbox_id": "1",
        "token": "not-a-real-reset-token",
        "name": "20261204T000000-none.eml",
        "rejection_id": "1",
        "rest": "no-such-resource",
        "certification_id": str(certificate),
        "sourced_id": case.document_id(case.FRAMEWORK),
        "badge_id": "1",
        "list_number": "1",
        "achievement_key": "course:PSR-110",
        "raw_id": str(alice),  # a SCIM user's id is their employee id
        "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
        "type_id": "User",
    }


def fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"add a sample value for path parameter {name!r} to the authorization matrix"
        return values[name]

    return PARAM.sub(value, path)


def call(client: TestClient, method: str, path: str, csrf: str | None = None) -> int:
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    return client.request(method, path, headers=headers, follow_redirects=False).status_code


ROUTES = routes()


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_anonymous_callers_get_nothing(client: TestClient, session: Session, method: str, path: str) -> None:
    if (method, path) in PUBLIC:
        return
    status = call(client, method, fill(path, samples(session)))
    if path.startswith(OWN_AUTH_PREFIXES):
        assert status in (400, 401), status
    elif path.startswith("/api/"):
        assert status in (401, 403), status  # 403: a session-less unsafe call fails CSRF first
    else:
        assert status in (303, 401, 403), status


@pytest.mark.parametrize("account", ACCOUNTS)
def test_signed_in_accounts_never_see_a_server_error(
    client: TestClient, session: Session, account: str
) -> None:
    sign_in(client, account)
    csrf = page_csrf(client, "/")
    values = samples(session)
    failures = []
    for method, path in ROUTES:
        if path.startswith(OWN_AUTH_PREFIXES) or path in ("/logout", "/login"):
            continue
        status = call(client, method, fill(path, values), csrf)
        if status >= 500:
            failures.append(f"{method} {path}: {status}")
    assert failures == []


SCIM_ROUTES = [(m, p) for m, p in ROUTES if p.startswith("/scim/")]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_a_signed_in_browser_never_reaches_scim(client: TestClient, session: Session, account: str) -> None:
    """SCIM answers only its own bearer tokens: an admin's session (or a personal API token) is refused."""
    assert len(SCIM_ROUTES) >= 10
    sign_in(client, account)
    csrf = page_csrf(client, "/")
    values = samples(session)
    reached = [
        f"{m} {p}: {s}" for m, p in SCIM_ROUTES if (s := call(client, m, fill(p, values), csrf)) != 401
    ]
    assert reached == []


# Routes about one employee: a path parameter naming them, or their id in the body.
EMPLOYEE_SCOPED = [
    (m, p) for m, p in ROUTES if m == "GET" and ("{employee_id}" in p or p.startswith("/api/v1/employees/"))
]


def test_employee_scoped_routes_refuse_people_outside_the_scope(client: TestClient, session: Session) -> None:
    values = samples(session)
    alice = int(values["employee_id"])
    optimize = ("POST", "/api/v1/plans/optimize", {"employee_id": alice, "roles": ["psr-2"]})
    checks = [(m, fill(p, values), None) for m, p in EMPLOYEE_SCOPED] + [optimize]
    # Alice's own supervisor sees her; Dan (an employee in another region) does not.
    for account, allowed in (("sup_carl", True), ("outsider_dan", False)):
        client.cookies.clear()
        sign_in(client, account)
        csrf = page_csrf(client, "/")
        for method, path, body in checks:
            status = client.request(method, path, json=body, headers={"X-CSRF-Token": csrf}).status_code
            assert (status == 200) if allowed else (status in (403, 404)), (account, method, path, status)


# Routes about one certificate: its holder's scope decides, as for the routes naming an employee.
CERTIFICATE_SCOPED = [(m, p) for m, p in ROUTES if "{certification_id}" in p]


def test_certificate_routes_refuse_people_outside_the_holders_scope(
    client: TestClient, session: Session
) -> None:
    values = samples(session)
    assert len(CERTIFICATE_SCOPED) >= 5
    for account in ("outsider_dan", "lead_bea", "trainer_tina"):
        client.cookies.clear()
        sign_in(client, account)
        csrf = page_csrf(client, "/")
        for method, path in CERTIFICATE_SCOPED:
            body = {"reason": "Not legible."} if path.startswith("/api/") and method == "POST" else None
            headers = {"X-CSRF-Token": csrf}
            url = fill(path, values)
            status = client.request(
                method, url, json=body, headers=headers, follow_redirects=False
            ).status_code
            if method == "GET" and account != "outsider_dan":
                assert status == 200, (account, method, path, status)  # in scope: may see, not verify
            else:
                assert status == 403, (account, method, path, status)
    client.cookies.clear()
    sign_in(client, "sup_carl")
    file = client.get(fill("/certifications/{certification_id}/file", values))
    assert file.status_code == 200 and file.headers["content-type"] == "image/png"
