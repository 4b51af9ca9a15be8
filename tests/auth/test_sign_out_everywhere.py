"""Signing out ends every copy of the session: the cookie is signed, not stored, so without the epoch a copy
taken before sign-out (another browser, a stolen cookie) would stay valid until it expired."""

from starlette.testclient import TestClient

from tests.helpers import page_csrf, sign_in


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    copied = dict(client.cookies)
    assert client.get("/api/v1/me").json()["email"] == "psr_alice@pathways.example"
    response = client.post("/logout", data={"csrf_token": page_csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    client.cookies.clear()
    client.cookies.update(copied)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/", follow_redirects=False).status_code in (303, 200)
    assert "psr_alice" not in client.get("/").text


def test_signing_out_in_one_browser_signs_out_the_others(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    other_browser = dict(client.cookies)
    client.cookies.clear()
    sign_in(client, "psr_alice")
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    client.cookies.clear()
    client.cookies.update(other_browser)
    assert client.get("/api/v1/me").status_code == 401


def test_signing_in_again_after_signing_out_works(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    sign_in(client, "psr_alice")
    assert client.get("/api/v1/me").status_code == 200


def test_another_persons_sign_out_leaves_a_session_alone(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    alice = dict(client.cookies)
    client.cookies.clear()
    sign_in(client, "lead_bea")
    client.post("/logout", data={"csrf_token": page_csrf(client)})
    client.cookies.clear()
    client.cookies.update(alice)
    assert client.get("/api/v1/me").json()["email"] == "psr_alice@pathways.example"
