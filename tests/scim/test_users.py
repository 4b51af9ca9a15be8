"""/scim/v2/Users as an identity system uses it: the HR feed's rules, one person at a time."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.auth import service as auth_service
from pathways.auth.models import ApiToken
from pathways.careers.models import Role
from pathways.org.models import Employee, EmployeeMove, Site
from pathways.scim.models import ScimIdentity
from pathways.scim.schemas import CORE_USER, ENTERPRISE_USER
from tests.helpers import sign_in
from tests.org.people_files import account, person

USERS = "/scim/v2/Users"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def body(session: Session, number: str, **change: Any) -> dict[str, Any]:
    site = session.scalar(select(Site.code).order_by(Site.code))
    role = session.scalar(select(Role.code).order_by(Role.code))
    user: dict[str, Any] = {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "userName": f"{number.lower()}@idp.example",
        "externalId": f"ext-{number}",
        "displayName": f"Person {number}",
        "title": role,
        "emails": [{"value": f"{number.lower()}@pathways.example", "type": "work", "primary": True}],
        "active": True,
        ENTERPRISE_USER: {"employeeNumber": number, "department": site},
    }
    extension = change.pop("extension", {})
    user.update(change)
    user[ENTERPRISE_USER].update(extension)
    return user


def operation(op: str, path: str | None, value: Any = None) -> dict[str, Any]:
    item: dict[str, Any] = {"op": op, **({"path": path} if path else {})}
    if op != "remove":
        item["value"] = value
    return {"schemas": [PATCH], "Operations": [item]}


def assert_error(response: Any, status: int, scim_type: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    error = response.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == str(status) and error["detail"]
    assert error.get("scimType") == scim_type
    return error


def employees(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Employee)) or 0


def test_create_then_read_back_and_the_same_body_twice_changes_nothing(
    scim: TestClient, session: Session
) -> None:
    created = scim.post(USERS, json=body(session, "S100"))
    assert created.status_code == 201, created.text
    assert created.headers["content-type"].startswith("application/scim+json")
    user = created.json()
    assert created.headers["location"] == user["meta"]["location"] == f"http://testserver{USERS}/{user['id']}"
    assert user["userName"] == "s100@idp.example" and user["externalId"] == "ext-S100"
    assert user["active"] is True and user[ENTERPRISE_USER]["employeeNumber"] == "S100"
    employee = session.get(Employee, int(user["id"]))
    assert employee is not None and employee.employee_number == "S100" and employee.name == "Person S100"
    assert account(session, "s100").is_active  # an account, as the HR feed makes, to sign in with SSO

    def counts() -> tuple[int, ...]:
        tables = (Employee, EmployeeMove, AuditEntry, ScimIdentity)
        return tuple(session.scalar(select(func.count()).select_from(table)) or 0 for table in tables)

    before = counts()
    again = scim.put(f"{USERS}/{user['id']}", json=body(session, "S100"))
    assert again.status_code == 200 and again.json() == user
    patched = scim.patch(f"{USERS}/{user['id']}", json=operation("replace", "displayName", "Person S100"))
    assert patched.status_code == 200 and patched.json() == user
    assert counts() == before
    duplicate = scim.post(USERS, json=body(session, "S100"))
    assert_error(duplicate, 409, "uniqueness")
    assert counts() == before


def test_filter_by_user_name_and_external_id_and_pages(scim: TestClient, session: Session) -> None:
    for number in ("S201", "S202", "S203"):
        assert scim.post(USERS, json=body(session, number)).status_code == 201
    found = scim.get(USERS, params={"filter": 'userName eq "S202@IDP.example"'}).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["externalId"] == "ext-S202"
    by_external = scim.get(USERS, params={"filter": 'externalId eq "ext-S203"'}).json()
    assert [u["userName"] for u in by_external["Resources"]] == ["s203@idp.example"]
    assert scim.get(USERS, params={"filter": 'externalId eq "EXT-S203"'}).json()["totalResults"] == 0
    # People from the HR feed are there too, under their email until an identity system names them.
    alice = scim.get(USERS, params={"filter": 'userName eq "psr_alice@pathways.example"'}).json()
    assert alice["totalResults"] == 1 and alice["Resources"][0]["id"] == str(person(session, "psr_alice").id)

    total = employees(session)
    first = scim.get(USERS, params={"startIndex": 1, "count": 2}).json()
    second = scim.get(USERS, params={"startIndex": 3, "count": 2}).json()
    assert first["totalResults"] == second["totalResults"] == total
    assert first["itemsPerPage"] == 2 and first["startIndex"] == 1 and second["startIndex"] == 3
    assert not {u["id"] for u in first["Resources"]} & {u["id"] for u in second["Resources"]}
    none = scim.get(USERS, params={"count": 0}).json()
    assert none["totalResults"] == total and none["Resources"] == []

    assert_error(scim.get(USERS, params={"filter": "userName eq"}), 400, "invalidFilter")
    nick = assert_error(scim.get(USERS, params={"filter": 'nickName eq "x"'}), 400, "invalidFilter")
    assert "nickName" in nick["detail"]
    assert_error(scim.get(USERS, params={"count": "many"}), 400, "invalidValue")


def test_patch_active_false_ends_employment_as_the_hr_feed_does(scim: TestClient, session: Session) -> None:
    alice = person(session, "psr_alice")
    browser = TestClient(scim.app)
    sign_in(browser, "psr_alice")
    assert browser.get("/account", follow_redirects=False).status_code == 200
    api_token = auth_service.create_token(session, "psr_alice@pathways.example")
    session.flush()

    patched = scim.patch(f"{USERS}/{alice.id}", json=operation("replace", "active", False))
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False
    session.refresh(alice)
    assert alice.status == "terminated"
    assert not account(session, "psr_alice").is_active
    assert browser.get("/account", follow_redirects=False).status_code == 303  # the session ended
    assert session.scalar(
        select(ApiToken.revoked_at).where(ApiToken.user_id == account(session, "psr_alice").id)
    )
    api = TestClient(scim.app).get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"})
    assert api.status_code == 401
    move = session.scalar(select(EmployeeMove).where(EmployeeMove.employee_id == alice.id))
    assert (
        move is not None
        and move.source == "scim"
        and (move.from_status, move.to_status) == ("active", "terminated")
    )
    # Nothing is deleted, and setting active again brings the same person back.
    back = scim.patch(f"{USERS}/{alice.id}", json=operation("replace", None, {"active": True}))
    assert back.status_code == 200 and back.json()["active"] is True
    assert account(session, "psr_alice").is_active


def test_a_changed_manager_site_or_role_is_a_move(scim: TestClient, session: Session) -> None:
    alice, bea = person(session, "psr_alice"), person(session, "lead_bea")
    carl_id = alice.manager_id
    other_site = session.scalar(select(Site.code).where(Site.id != alice.site_id).order_by(Site.code))
    patch = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "replace", "path": f"{ENTERPRISE_USER}:manager", "value": {"value": str(bea.id)}},
            {"op": "replace", "path": f"{ENTERPRISE_USER}:department", "value": other_site},
        ],
    }
    response = scim.patch(f"{USERS}/{alice.id}", json=patch)
    assert response.status_code == 200, response.text
    assert response.json()[ENTERPRISE_USER]["manager"]["value"] == str(bea.id)
    session.refresh(alice)
    assert alice.manager_id == bea.id
    move = session.scalar(select(EmployeeMove).where(EmployeeMove.employee_id == alice.id))
    assert move is not None and set(move.changes.split(",")) == {"manager", "site"} and move.source == "scim"
    assert (move.from_manager_id, move.to_manager_id) == (carl_id, bea.id)
    assert move.from_site_id != move.to_site_id == alice.site_id


def test_a_manager_who_has_left_is_no_refusal(scim: TestClient, session: Session) -> None:
    """As in the HR feed, where it is a warning: an identity system ends a manager before moving their
    reports, and meanwhile still changes those reports."""
    alice, carl = person(session, "psr_alice"), person(session, "sup_carl")
    assert alice.manager_id == carl.id
    left = scim.patch(f"{USERS}/{carl.id}", json=operation("replace", "active", False))
    assert left.status_code == 200, left.text
    other_role = session.scalar(select(Role.code).where(Role.id != alice.role_id).order_by(Role.code))
    retitled = scim.patch(f"{USERS}/{alice.id}", json=operation("replace", "title", other_role))
    assert retitled.status_code == 200, retitled.text
    session.refresh(alice)
    assert alice.manager_id == carl.id
    assert session.scalar(select(Role.code).where(Role.id == alice.role_id)) == other_role
    created = scim.post(USERS, json=body(session, "N1", extension={"manager": {"value": str(carl.id)}}))
    assert created.status_code == 201, created.text
    assert created.json()[ENTERPRISE_USER]["manager"]["value"] == str(carl.id)
    new = session.scalar(select(Employee).where(Employee.employee_number == "N1"))
    assert new is not None and new.manager_id == carl.id and new.status == "active"


def test_a_manager_cycle_is_refused_with_the_loop_named(scim: TestClient, session: Session) -> None:
    alice, carl = person(session, "psr_alice"), person(session, "sup_carl")
    assert alice.manager_id == carl.id
    moves = session.scalar(select(func.count()).select_from(EmployeeMove))
    refused = scim.patch(
        f"{USERS}/{carl.id}",
        json=operation("replace", f"{ENTERPRISE_USER}:manager", {"value": str(alice.id)}),
    )
    error = assert_error(refused, 400, "invalidValue")
    assert "reporting cycle" in error["detail"] and alice.employee_number in error["detail"]
    assert carl.employee_number in error["detail"] and "nothing was changed" in error["detail"]
    session.refresh(carl)
    assert carl.manager_id != alice.id
    assert session.scalar(select(func.count()).select_from(EmployeeMove)) == moves
    itself = scim.patch(
        f"{USERS}/{carl.id}", json=operation("replace", f"{ENTERPRISE_USER}:manager", {"value": str(carl.id)})
    )
    assert "the person themselves" in assert_error(itself, 400, "invalidValue")["detail"]
    unknown = scim.patch(
        f"{USERS}/{carl.id}", json=operation("replace", f"{ENTERPRISE_USER}:manager", {"value": "999999"})
    )
    assert "999999" in assert_error(unknown, 400, "invalidValue")["detail"]


def test_bodies_that_break_the_schema_get_400_with_their_scim_type(
    scim: TestClient, session: Session
) -> None:
    before = employees(session)
    assert_error(scim.post(USERS, content=b"{not json", headers={"content-type": "application/scim+json"}),
                 400, "invalidSyntax")  # fmt: skip
    assert_error(scim.post(USERS, json=["a", "list"]), 400, "invalidSyntax")
    wrong_type = assert_error(scim.post(USERS, json=body(session, "S300", userName=5)), 400, "invalidValue")
    assert "userName" in wrong_type["detail"]
    no_number = body(session, "S301")
    del no_number[ENTERPRISE_USER]["employeeNumber"]
    assert "employeeNumber" in assert_error(scim.post(USERS, json=no_number), 400, "invalidValue")["detail"]
    role = assert_error(scim.post(USERS, json=body(session, "S302", title="astronaut")), 400, "invalidValue")
    assert "title 'astronaut' is not a job role" in role["detail"]
    site = body(session, "S303", extension={"department": "MOON-1"})
    assert (
        "department 'MOON-1' is not a site"
        in assert_error(scim.post(USERS, json=site), 400, "invalidValue")["detail"]
    )
    long_name = assert_error(
        scim.post(USERS, json=body(session, "S305", userName="u" * 300)), 400, "invalidValue"
    )
    assert "userName" in long_name["detail"] and "254" in long_name["detail"]
    taken = body(session, "S304", emails=[{"value": "psr_alice@pathways.example", "primary": True}])
    assert_error(scim.post(USERS, json=taken), 409, "uniqueness")
    alice = person(session, "psr_alice")
    bad_op = {"schemas": [PATCH], "Operations": [{"op": "explode", "path": "active", "value": False}]}
    assert_error(scim.patch(f"{USERS}/{alice.id}", json=bad_op), 400, "invalidValue")
    removed = scim.patch(f"{USERS}/{alice.id}", json=operation("remove", "active"))
    assert_error(removed, 400, "mutability")
    no_target = operation("replace", 'emails[value eq "nobody@x.example"].value', "a@b.example")
    assert_error(scim.patch(f"{USERS}/{alice.id}", json=no_target), 400, "noTarget")
    # Digits that are not 0-9 ("²") are no id: found by the generated queries in test_bad_input.py.
    assert_error(scim.get(f"{USERS}/²"), 404)
    superscript = operation("replace", f"{ENTERPRISE_USER}:manager", {"value": "²"})
    assert_error(scim.patch(f"{USERS}/{alice.id}", json=superscript), 400, "invalidValue")
    assert employees(session) == before


def test_delete_ends_employment_and_hides_the_user_but_keeps_the_person(
    scim: TestClient, session: Session
) -> None:
    user = scim.post(USERS, json=body(session, "S400")).json()
    assert scim.delete(f"{USERS}/{user['id']}").status_code == 204
    assert_error(scim.get(f"{USERS}/{user['id']}"), 404)
    assert_error(scim.delete(f"{USERS}/{user['id']}"), 404)
    employee = session.get(Employee, int(user["id"]))
    assert employee is not None and employee.status == "terminated"
    again = scim.post(USERS, json=body(session, "S400"))  # rehired: the same person comes back
    assert again.status_code == 201 and again.json()["id"] == user["id"] and again.json()["active"] is True


def test_tokens_and_only_tokens_reach_scim(scim: TestClient, session: Session) -> None:
    bare = TestClient(scim.app)
    for headers in ({}, {"Authorization": "Bearer scim_wrong"}, {"Authorization": "Basic eDp5"}):
        response = bare.get(USERS, headers=headers)
        assert_error(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    sign_in(bare, "admin_ada")  # a signed-in admin's browser is no identity system
    assert_error(bare.get(USERS), 401)
    api_token = auth_service.create_token(session, "admin_ada@pathways.example")
    session.flush()
    assert_error(bare.get(USERS, headers={"Authorization": f"Bearer {api_token}"}), 401)
    assert scim.get(USERS).status_code == 200
    from pathways.scim import tokens

    tokens.revoke_token(session, "IDP")
    session.flush()
    assert_error(scim.get(USERS), 401)
    assert_error(scim.get("/scim/v2/Nowhere"), 404)  # even unknown addresses answer in SCIM's format


def test_what_entra_id_and_okta_send_is_understood(scim: TestClient, session: Session) -> None:
    """Okta sends name parts and phone numbers Pathways does not keep (ignored); Entra ID capitalises its
    operations, sends booleans as strings and the manager as a bare id."""
    okta = body(session, "S500", name={"givenName": "Ola", "familyName": "Okta"},
                phoneNumbers=[{"value": "555-0100", "type": "work"}], locale="en-US")  # fmt: skip
    created = scim.post(USERS, json=okta)
    assert created.status_code == 201, created.text
    assert "name" not in created.json() and "phoneNumbers" not in created.json()
    carl = person(session, "sup_carl")
    entra = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Add", "path": f"{ENTERPRISE_USER}:manager", "value": str(carl.id)},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ola.okta@pathways.example"},
        ],
    }
    patched = scim.patch(f"{USERS}/{created.json()['id']}", json=entra)
    assert patched.status_code == 200, patched.text
    user = patched.json()
    assert user["active"] is False and user[ENTERPRISE_USER]["manager"]["value"] == str(carl.id)
    assert user["emails"][0]["value"] == "ola.okta@pathways.example"
