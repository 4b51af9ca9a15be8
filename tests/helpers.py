import re

from starlette.testclient import TestClient

DEMO_PASSWORD = "pathways-demo"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, who: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form, as a browser would: fetch it for its CSRF token, then post it."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": f"{who}@pathways.example", "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def page_csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token of the signed-in session, read from a page's sign-out form."""
    return csrf_from(client.get(path).text)
