"""GET /xapi/agents: the Person object, combining what Pathways knows of the employee an agent names."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.config import Settings
from pathways.org.models import Employee
from pathways.xapi.models import XapiMapping
from pathways.xapi.people import PERSON, mapping_hash
from tests.xapi.conftest import Lrs


@pytest.fixture
def alice(session: Session) -> Employee:
    return session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()


def person(lrs: Lrs, agent: dict[str, object]) -> dict[str, object]:
    response = lrs.request("GET", "/agents", params={"agent": json.dumps(agent)})
    assert response.status_code == 200, response.text
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    return response.json()  # type: ignore[no-any-return]


def test_an_employee_named_by_email_gets_every_identifier_pathways_knows(
    lrs: Lrs, alice: Employee, settings: Settings
) -> None:
    got = person(lrs, {"objectType": "Agent", "name": "A. Moreno", "mbox": f"mailto:{alice.email}"})
    assert got == {
        "objectType": "Person",
        "name": ["A. Moreno", alice.name],
        "mbox": [f"mailto:{alice.email}"],
        "account": [{"homePage": settings.lms_base_url, "name": alice.employee_number}],
    }


def test_an_employee_named_by_account_gets_the_email_too(
    lrs: Lrs, alice: Employee, settings: Settings
) -> None:
    account = {"homePage": "https://lms.pathways.example", "name": alice.employee_number}
    got = person(lrs, {"account": account})
    assert got["name"] == [alice.name]
    assert got["mbox"] == [f"mailto:{alice.email}"]
    assert account in got["account"]  # type: ignore[operator]
    assert {"homePage": settings.lms_base_url, "name": alice.employee_number} in got["account"]  # type: ignore[operator]


def test_an_identifier_an_admin_mapped_names_the_employee(
    lrs: Lrs, session: Session, alice: Employee
) -> None:
    old = "mailto:a.moreno@lms-old.example"
    key = f"mbox:{old}"
    session.add(XapiMapping(kind=PERSON, key=key, key_hash=mapping_hash(PERSON, key), employee_id=alice.id))
    session.commit()
    got = person(lrs, {"mbox": old})
    assert got["mbox"] == [old, f"mailto:{alice.email}"]
    assert got["name"] == [alice.name]


def test_someone_unknown_gets_only_their_own_identifiers(lrs: Lrs) -> None:
    agent = {"name": "Visitor", "openid": "https://id.example/visitor"}
    assert person(lrs, agent) == {
        "objectType": "Person",
        "name": ["Visitor"],
        "openid": ["https://id.example/visitor"],
    }
