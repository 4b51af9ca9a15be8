"""A person's badges are theirs: others cannot list or download them (anyone may verify one by its id)."""

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.badges import bake
from pathways.badges.models import Badge
from tests.helpers import sign_in


def test_the_holder_sees_and_downloads_their_badges(client: TestClient, alice_badge: Badge) -> None:
    sign_in(client, "psr_alice")
    page = client.get("/badges")
    assert page.status_code == 200 and alice_badge.name in page.text
    svg = client.get(f"/badges/{alice_badge.id}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg.text
    assert bake.extract(svg.content) == alice_badge.credential_jwt
    png = client.get(f"/badges/{alice_badge.id}/badge.png")
    assert png.content.startswith(b"\x89PNG") and bake.extract(png.content) == alice_badge.credential_jwt
    as_json = client.get(f"/badges/{alice_badge.id}/credential.json").json()
    assert as_json["jwt"] == alice_badge.credential_jwt
    assert as_json["credential"]["id"] == f"urn:uuid:{alice_badge.uuid}"
    jws = client.get(f"/badges/{alice_badge.id}/credential.jwt")
    assert (
        jws.headers["content-type"].startswith("application/vc+jwt")
        and jws.text == alice_badge.credential_jwt
    )


def test_others_cannot_list_or_download_someone_elses_badges(
    client: TestClient, session: Session, alice_badge: Badge
) -> None:
    for who in ("outsider_dan", "lead_bea", "sup_carl", "admin_ada"):
        client.cookies.clear()
        sign_in(client, who)
        for suffix in ("badge.svg", "badge.png", "credential.json", "credential.jwt"):
            response = client.get(f"/badges/{alice_badge.id}/{suffix}")
            assert response.status_code == 404, (who, suffix)
        assert alice_badge.uuid not in client.get("/api/v1/me/badges").text
        assert alice_badge.name not in client.get("/badges").text
    client.cookies.clear()
    sign_in(client, "outsider_dan")
    assert client.get(f"/people/{alice_badge.employee_id}/badges").status_code == 403
    # Verification by id stays open: it is how a holder shares a badge.
    assert client.get(f"/api/v1/badges/verify?id={alice_badge.uuid}").json()["outcome"] == "valid"
