import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.orm import Session

DEMO_PASSWORD = "pathways-demo"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def sign_in(client: httpx.Client, who: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form, as a browser would: fetch it for its CSRF token, then post it."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": f"{who}@pathways.example", "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def page_csrf(client: httpx.Client, path: str = "/") -> str:
    """The CSRF token of the signed-in session, read from a page's sign-out form."""
    return csrf_from(client.get(path).text)


@contextmanager
def counting_statements(session: Session) -> Iterator[list[str]]:
    """The SQL the block runs on the test's connection, which the app's requests share (tests/conftest.py).

    Listening on that one connection, not on the engine, counts only what the test and its requests run, never
    another thread's statements. Savepoints come and go with the test's own transaction and are left out.
    Build the inputs before the block: a test that reads its own expired objects inside it counts its reads.
    """
    statements: list[str] = []
    connection = session.connection()

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", seen)
