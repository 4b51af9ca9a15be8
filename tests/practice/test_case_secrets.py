"""A practice set's cases cannot be known before they are worked, and a retry is a new case.

The attack these tests play: read everything the API and the pages give a learner about a set, derive seeds
from it with the public generators, start free practice on them to see the answers, then pass the set case.
"""

import json
import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.audit.models import AuditEntry
from pathways.errors import BadRequest
from pathways.org.models import Employee
from pathways.practice import service
from pathways.practice.case_seeds import FREE_SEED_LIMIT, SET_SEED_FLOOR, batch_case_seed
from pathways.practice.cases import kind_for
from pathways.practice.models import PracticeAttempt, PracticeSet
from tests.helpers import page_csrf, sign_in


def signed_in(client: TestClient, who: str) -> dict[str, str]:
    client.cookies.clear()
    sign_in(client, who)
    return {"X-CSRF-Token": page_csrf(client, "/")}


def number_of(session: Session, who: str) -> str:
    query = select(Employee.employee_number).where(Employee.email == f"{who}@pathways.example")
    return session.scalars(query).one()


def new_set(client: TestClient, session: Session, types: list[str], per_type: int, *who: str) -> int:
    headers = signed_in(client, "trainer_tina")
    body = {
        "name": "Secret cases",
        "case_types": types,
        "cases_per_type": per_type,
        "level": 2,
        "members": [number_of(session, w) for w in who],
    }
    created = client.post("/api/v1/practice/sets", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def start(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/practice/attempts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def stored(session: Session, attempt_id: int) -> PracticeAttempt:
    session.expire_all()
    return session.get_one(PracticeAttempt, attempt_id)


def test_nothing_a_learner_can_read_reproduces_a_set_case(client: TestClient, session: Session) -> None:
    set_id = new_set(client, session, ["eligibility"], 2, "psr_alice")
    headers = signed_in(client, "psr_alice")
    api = [f"/api/v1/practice/sets/{set_id}", "/api/v1/practice/sets", "/api/v1/practice/case-types"]
    seen = [client.get(path).text for path in api]
    attempt = start(client, headers, case_type="eligibility", set_id=set_id, index=0)
    seen.append(json.dumps(attempt))
    base = f"/api/v1/practice/attempts/{attempt['id']}"
    seen += [client.get(path).text for path in (base, f"{base}/replay", "/api/v1/practice/attempts")]
    seen += [client.get(path).text for path in ("/api/v1/practice/evidence", "/openapi.json")]
    check = {"kind": "check", "payload": {"member_id": attempt["case"]["facts"]["card"]["member_id"]}}
    sent = client.post(f"{base}/actions", json=check, headers=headers)
    seen.append(sent.text)  # the payer's 271 and FHIR reply
    pages = [client.get(p).text for p in ("/practice", f"/practice/attempts/{attempt['id']}")]
    everything = "\n".join(seen + pages)

    case, practice_set = stored(session, attempt["id"]), session.get_one(PracticeSet, set_id)
    assert attempt["case_seed"] is None and attempt["case"]["seed"] is None
    assert attempt["case"]["answer"] is None
    assert practice_set.secret not in everything and '"secret"' not in everything
    assert str(case.case_seed) not in everything
    assert case.case_seed >= SET_SEED_FLOOR  # outside every seed free practice accepts
    assert "seed" not in pages[1]  # the desk page names no seed for a set case

    # Every number the API showed, tried as a free-practice seed and through the old public derivation
    # (a set's seed, a case type and a case number): none gives the set case.
    numbers = {int(n) for n in re.findall(r"\d+", "\n".join(seen))}
    tried = {n for n in numbers if n < FREE_SEED_LIMIT}
    tried |= {batch_case_seed(n, "eligibility", index) for n in numbers for index in range(2)}
    kind = kind_for("eligibility")
    assert len(tried) > 20, "the attack must have had something to try"
    target = case.snapshot["facts"]
    assert [seed for seed in tried if kind.generate(seed).facts == target] == []
    # ...and the server itself gives out nothing in the set's space.
    refused = client.post(
        "/api/v1/practice/attempts",
        json={"case_type": "eligibility", "seed": case.case_seed},
        headers=headers,
    )
    assert refused.status_code == 422 and "seed" in refused.json()["detail"]
    for seed in sorted(tried)[:3]:  # free attempts over HTTP agree with the generator: not the set case
        free = start(client, headers, case_type="eligibility", seed=seed)
        assert free["case"]["facts"] != target and free["case_seed"] == seed


def test_a_retry_is_a_new_case_of_the_same_type(client: TestClient, session: Session) -> None:
    set_id = new_set(client, session, ["eligibility"], 1, "psr_alice")
    headers = signed_in(client, "psr_alice")
    first = start(client, headers, case_type="eligibility", set_id=set_id, index=0)
    # An unfinished case resumes: starting it again is the same attempt, not a new draw.
    assert start(client, headers, case_type="eligibility", set_id=set_id, index=0)["id"] == first["id"]
    failed = client.post(f"/api/v1/practice/attempts/{first['id']}/finish", headers=headers)
    assert failed.status_code == 200 and not failed.json()["passed"]  # no decision recorded
    seen = client.get(f"/api/v1/practice/attempts/{first['id']}").json()["case"]
    assert seen["answer"] is not None  # finished: the learner now knows this case's answer

    retry = start(client, headers, case_type="eligibility", set_id=set_id, index=0)
    assert retry["id"] != first["id"] and retry["case_type"] == "eligibility"
    assert (first["attempt_number"], retry["attempt_number"]) == (1, 2)
    assert retry["case"]["answer"] is None and retry["case"]["facts"] != seen["facts"]
    one, two = stored(session, first["id"]), stored(session, retry["id"])
    assert one.case_seed != two.case_seed and min(one.case_seed, two.case_seed) >= SET_SEED_FLOOR
    # The page's retry button starts the new case as well.
    page = client.get(f"/practice/attempts/{first['id']}").text
    assert "Try again with a new case" in page


def test_colleagues_in_one_set_get_different_cases(client: TestClient, session: Session) -> None:
    set_id = new_set(client, session, ["cost-sharing"], 1, "psr_alice", "lead_bea")
    facts = []
    for who in ("psr_alice", "lead_bea"):
        headers = signed_in(client, who)
        facts.append(
            start(client, headers, case_type="cost-sharing", set_id=set_id, index=0)["case"]["facts"]
        )
    assert facts[0] != facts[1]


def test_a_set_case_answer_shows_only_once_it_is_finished(client: TestClient, session: Session) -> None:
    set_id = new_set(client, session, ["privacy"], 1, "psr_alice")
    headers = signed_in(client, "psr_alice")
    attempt = start(client, headers, case_type="privacy", set_id=set_id, index=0)
    desk, api = f"/practice/attempts/{attempt['id']}", f"/api/v1/practice/attempts/{attempt['id']}"
    assert client.get(api).json()["case"]["answer"] is None
    assert "Worksheet: the model answer" not in client.get(desk).text
    assert client.get(f"{api}/score").status_code == 409
    # Nor through the trainer's eyes while it is open.
    signed_in(client, "trainer_tina")
    assert client.get(api).json()["case"]["answer"] is None
    assert "Worksheet: the model answer" not in client.get(desk).text

    headers = signed_in(client, "psr_alice")
    kind = kind_for("privacy")
    for name, payload in kind.model_answer(service.case_of(stored(session, attempt["id"]))):
        posted = client.post(f"{api}/actions", json={"kind": name, "payload": payload}, headers=headers)
        assert posted.status_code == 201, posted.text
        assert client.get(api).json()["case"]["answer"] is None
    assert client.post(f"{api}/finish", headers=headers).json()["passed"]
    assert client.get(api).json()["case"]["answer"] == stored(session, attempt["id"]).snapshot["answer"]
    assert "Worksheet: the model answer" in client.get(desk).text


def test_seeds_stay_in_their_own_spaces(client: TestClient, session: Session) -> None:
    set_id = new_set(client, session, ["booking"], 1, "psr_alice")
    headers = signed_in(client, "psr_alice")
    too_big = client.post(
        "/api/v1/practice/attempts", json={"case_type": "booking", "seed": FREE_SEED_LIMIT}, headers=headers
    )
    assert too_big.status_code == 422 and "seed" in too_big.json()["detail"]
    chosen = client.post(
        "/api/v1/practice/attempts",
        json={"case_type": "booking", "set_id": set_id, "index": 0, "seed": 5},
        headers=headers,
    )
    assert chosen.status_code == 400 and "leave the seed out" in chosen.json()["detail"]
    free = start(client, headers, case_type="booking")
    assert 0 <= free["case_seed"] < FREE_SEED_LIMIT and free["attempt_number"] is None
    alice = session.scalars(select(Employee).where(Employee.email == "psr_alice@pathways.example")).one()
    with pytest.raises(BadRequest, match="free-practice seed"):
        service.start_attempt(session, alice.id, "booking", seed=SET_SEED_FLOOR)
    # A trainer can no longer fix a set's cases with a seed either.
    tina = signed_in(client, "trainer_tina")
    body = {"name": "x", "case_types": ["booking"], "cases_per_type": 1, "level": 1, "seed": 3}
    refused = client.post("/api/v1/practice/sets", json=body | {"members": ["x"]}, headers=tina)
    assert refused.status_code == 422 and "seed" in refused.json()["detail"]


def test_every_set_has_its_own_secret_kept_out_of_the_audit_log(client: TestClient, session: Session) -> None:
    ids = [new_set(client, session, ["abn"], 1, "psr_alice") for _ in range(2)]
    secrets = [session.get_one(PracticeSet, set_id).secret for set_id in ids]
    assert secrets[0] != secrets[1] and all(re.fullmatch(r"[0-9a-f]{64}", s) for s in secrets)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "practice_set")).all()
    logged = json.dumps([[e.before, e.after] for e in entries])
    assert entries and not any(s in logged for s in secrets)
    listed = client.get("/api/v1/practice/sets").json()
    assert listed and all("secret" not in s and "seed" not in s for s in listed)
