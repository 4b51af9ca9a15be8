from starlette.testclient import TestClient

from tests.helpers import csrf_from, page_csrf, sign_in


def test_healthz_answers_without_an_account(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_send_anonymous_visitors_to_sign_in(client: TestClient) -> None:
    response = client.get("/roles?x=1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/roles%3Fx%3D1"


def test_api_refuses_anonymous_callers_with_401(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in to continue."}


def test_sign_in_then_me_then_sign_out(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    me = client.get("/api/v1/me").json()
    assert me["email"] == "psr_alice@pathways.example"
    assert me["account_role"] == "employee"
    assert me["employee_id"] is not None
    response = client.post("/logout", data={"csrf_token": page_csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_account_get_the_same_message(client: TestClient) -> None:
    token = csrf_from(client.get("/login").text)
    wrong = client.post(
        "/login", data={"email": "psr_alice@pathways.example", "password": "nope", "csrf_token": token}
    )
    unknown = client.post(
        "/login", data={"email": "nobody@pathways.example", "password": "nope", "csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 400
    message = "That email and password do not match an account."
    assert message in wrong.text and message in unknown.text
    assert client.get("/api/v1/me").status_code == 401


def test_sign_in_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"email": "psr_alice@pathways.example", "password": "pathways-demo"}
    )
    assert response.status_code == 403
    assert "did not come from Pathways" in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_sign_out_without_csrf_token_keeps_the_session(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_sign_in_renews_the_session(client: TestClient) -> None:
    anonymous_token = csrf_from(client.get("/login").text)
    sign_in(client, "psr_alice")
    assert page_csrf(client) != anonymous_token


def test_next_never_leaves_the_site(client: TestClient) -> None:
    token = csrf_from(client.get("/login").text)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/login",
            data={
                "email": "psr_alice@pathways.example",
                "password": "pathways-demo",
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"
        client.cookies.clear()
        token = csrf_from(client.get("/login").text)


def test_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    response = client.get("/login")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/login", "/healthz", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_unknown_page_is_a_clear_404(client: TestClient) -> None:
    sign_in(client, "psr_alice")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is no page at this address." in response.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json() == {"detail": "There is no page at this address."}
