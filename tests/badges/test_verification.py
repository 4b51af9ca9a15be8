"""Issued badges verify with an independent verifier (PyJWT, not joserfc which signs them) against the keys
the issuer publishes, through public endpoints a signed-out verifier can reach."""

import base64
import datetime as dt
import gzip
import json

import jwt
import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.badges import bake, keys, service
from pathways.badges.models import Badge
from pathways.config import Settings
from tests.badges.conftest import person
from tests.helpers import page_csrf, sign_in


def independent_verify(client: TestClient, token: str) -> dict:
    """What another party does: fetch the issuer's JWKS, pick the key by kid, check the ES256 signature."""
    published = client.get("/badges/issuer/jwks.json")
    assert published.status_code == 200
    assert published.headers["content-type"].startswith("application/jwk-set+json")
    key_set = jwt.PyJWKSet.from_dict(published.json())
    kid = jwt.get_unverified_header(token)["kid"]
    assert jwt.get_unverified_header(token)["typ"] == "vc+jwt"
    return jwt.decode(token, key_set[kid].key, algorithms=["ES256"])


def test_an_issued_badge_verifies_with_an_independent_package(
    client: TestClient, session: Session, alice_badge: Badge
) -> None:
    person_name = person(session, "psr_alice").name
    credential = independent_verify(client, alice_badge.credential_jwt)
    assert credential["id"] == f"urn:uuid:{alice_badge.uuid}"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "http://127.0.0.1:8000/badges/issuer"
    assert credential["credentialSubject"]["name"] == person_name
    # The achievement's id resolves, signed out, to the same achievement.
    achievement = credential["credentialSubject"]["achievement"]
    resolved = client.get(achievement["id"].removeprefix("http://127.0.0.1:8000"))
    assert resolved.status_code == 200
    assert resolved.json()["name"] == achievement["name"] and resolved.json()["type"] == ["Achievement"]
    assert client.get("/badges/achievements/course:NO-SUCH").status_code == 404
    assert client.get("/badges/achievements/level:composure:99999999999999999999").status_code == 404


def test_a_tampered_badge_fails_both_verifiers(client: TestClient, alice_badge: Badge) -> None:
    header, body, signature = alice_badge.credential_jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"]["name"] = "Mallory"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = f"{header}.{forged_body}.{signature}"
    with pytest.raises(jwt.InvalidSignatureError):
        independent_verify(client, forged)
    answer = client.post("/api/v1/badges/verify", json={"credential": forged})
    assert answer.status_code == 200
    assert answer.json()["outcome"] == "invalid"
    assert "changed after it was issued" in answer.json()["problem"]


def test_a_revoked_badge_shows_revoked_in_the_status_list_and_the_verifier(
    client: TestClient, session: Session, alice_badge: Badge
) -> None:
    assert client.get(f"/api/v1/badges/verify?id={alice_badge.uuid}").json()["outcome"] == "valid"
    sign_in(client, "sup_carl")
    page = client.get(f"/people/{alice_badge.employee_id}/badges")
    assert page.status_code == 200 and alice_badge.name in page.text
    response = client.post(
        f"/badges/{alice_badge.id}/revoke",
        data={"reason": "Completion recorded for the wrong person", "csrf_token": page_csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    client.cookies.clear()

    answer = client.get(f"/api/v1/badges/verify?id=urn:uuid:{alice_badge.uuid}").json()
    assert answer["outcome"] == "revoked" and not answer["valid"]
    # The status list, read as any verifier would: signature checked independently, then the bit.
    entry = independent_verify(client, alice_badge.credential_jwt)["credentialStatus"]
    listed = client.get("/badges/status/1")
    assert listed.headers["content-type"].startswith("application/vc+jwt")
    status = independent_verify(client, listed.text)
    assert entry["statusListCredential"] == status["id"]
    encoded = status["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    index = int(entry["statusListIndex"])
    assert len(bits) * 8 >= 131_072
    assert bits[index // 8] & (0x80 >> (index % 8))
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_revoking_needs_a_reason_and_the_right_person(
    client: TestClient, session: Session, alice_badge: Badge
) -> None:
    for who in ("psr_alice", "outsider_dan", "lead_bea"):
        client.cookies.clear()
        sign_in(client, who)
        response = client.post(
            f"/api/v1/badges/{alice_badge.id}/revoke",
            json={"reason": "no"},
            headers={"X-CSRF-Token": page_csrf(client)},
        )
        assert response.status_code == 403, (who, response.text)
    client.cookies.clear()
    sign_in(client, "admin_ada")
    blank = client.post(
        f"/api/v1/badges/{alice_badge.id}/revoke",
        json={"reason": "   "},
        headers={"X-CSRF-Token": page_csrf(client)},
    )
    assert blank.status_code == 400 and "reason" in blank.json()["detail"]
    assert client.get(f"/api/v1/badges/verify?id={alice_badge.uuid}").json()["outcome"] == "valid"


def test_after_a_key_rotation_old_badges_still_verify(
    client: TestClient, session: Session, settings: Settings, how: service.Issuing, alice_badge: Badge
) -> None:
    old_kid = alice_badge.kid
    keys.make_key(session, settings.secret_key)
    bea = person(session, "lead_bea")
    fresh = service.award_earned(session, how, bea.id)
    assert fresh and {b.kid for b in fresh} != {old_kid}
    published = {k["kid"] for k in client.get("/badges/issuer/jwks.json").json()["keys"]}
    assert {old_kid, fresh[0].kid} <= published
    assert independent_verify(client, alice_badge.credential_jwt)["id"].endswith(alice_badge.uuid)
    assert independent_verify(client, fresh[0].credential_jwt)["id"].endswith(fresh[0].uuid)
    assert client.get(f"/api/v1/badges/verify?id={alice_badge.uuid}").json()["outcome"] == "valid"


def test_an_expired_badge_reports_expired(session: Session, how: service.Issuing, alice_badge: Badge) -> None:
    # The same credential with a validUntil in the past, signed by the issuer's key.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    claims = jwt.decode(alice_badge.credential_jwt, options={"verify_signature": False})
    claims["validUntil"] = "2020-01-01T00:00:00Z"
    token = service._sign(session, how, claims)[1]
    result = service.verify(session, how, token, now=later)
    assert result.outcome == "expired" and "2020-01-01" in result.problem


def test_the_verify_page_works_signed_out(client: TestClient, alice_badge: Badge) -> None:
    by_id = client.get(f"/badges/verify?id={alice_badge.uuid}")
    assert by_id.status_code == 200
    assert "Valid" in by_id.text and alice_badge.name in by_id.text
    page = client.get("/badges/verify")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    pasted = client.post(
        "/badges/verify", data={"credential": alice_badge.credential_jwt, "csrf_token": csrf}
    )
    assert pasted.status_code == 200 and "Signature: passed" in pasted.text
    svg = bake.svg(alice_badge.credential_jwt, alice_badge.name, alice_badge.kind, "Org")
    png = bake.png(alice_badge.credential_jwt, alice_badge.kind)
    for name, data, kind in (("b.svg", svg.encode(), "image/svg+xml"), ("b.png", png, "image/png")):
        uploaded = client.post(
            "/badges/verify", data={"csrf_token": csrf}, files={"file": (name, data, kind)}
        )
        assert uploaded.status_code == 200, uploaded.text
        assert "Revocation: passed" in uploaded.text
    issuer = client.get("/badges/issuer")
    assert issuer.status_code == 200 and "Pathways Demo Health" in issuer.text
    profile = client.get("/badges/issuer", headers={"Accept": "application/json"}).json()
    assert profile["type"] == ["Profile"] and profile["id"].endswith("/badges/issuer")


BAD_UPLOADS = [
    (b"\x00\x01garbage", "neither a badge image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "no openbadges:credential element"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "no openbadgecredential iTXt chunk"),
    (b"hello there", "This is not a badge"),
    (b"eyJhbGciOiJFUzI1NiJ9.e30.AAAA", "signature does not match"),
    (b"eyJhbGciOiJub25lIn0.e30.", "This badge is not signed"),
]


@pytest.mark.parametrize(("data", "message"), BAD_UPLOADS, ids=[m for _, m in BAD_UPLOADS])
def test_a_bad_upload_gets_a_clear_message(client: TestClient, data: bytes, message: str) -> None:
    page = client.get("/badges/verify")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/badges/verify", data={"csrf_token": csrf}, files={"file": ("x.bin", data, "x/y")}
    )
    assert response.status_code in (200, 400), response.text
    assert message in response.text.replace("&#39;", "'")


def test_the_verify_form_needs_its_csrf_token_and_something_to_check(client: TestClient) -> None:
    assert client.post("/badges/verify", data={"credential": "x"}).status_code == 403
    page = client.get("/badges/verify")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    empty = client.post("/badges/verify", data={"csrf_token": csrf, "credential": ""})
    assert empty.status_code == 400 and "nothing was sent" in empty.text
    unknown = client.get("/api/v1/badges/verify?id=0f8fad5b-d9cb-469f-a165-70867728950e")
    assert unknown.status_code == 404
    malformed = client.get("/api/v1/badges/verify?id=not-a-uuid")
    assert malformed.status_code == 400 and "UUID" in malformed.json()["detail"]
