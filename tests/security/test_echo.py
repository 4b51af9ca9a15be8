"""No answer echoes what a request sent back unbounded or raw, on any route.

Generated from the app's own route table, like the authorization matrix: every path parameter, query
parameter and form field gets a long value carrying a NUL and a right-to-left override. Whatever the route
answers (404, 400, 422, a page with an error), the value may come back only escaped and cut to a few dozen
characters: never the long run, never the NUL or the override raw. (A form shown again to be corrected keeps
what was typed in its fields.) A new route is covered without being listed here.
"""

import re
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from pathways.app import create_app
from pathways.errors import ECHO_LIMIT, MAX_MESSAGE, AppError, bounded, describe_errors, escaped, shown
from tests.auth.test_matrix import OWN_AUTH_PREFIXES, PARAM, walk
from tests.helpers import page_csrf, sign_in

RUN = 5_000  # longer than any honest value; several fit in one URL (httpx refuses URLs over 64 KB)
HOSTILE = "\x00\u202e" + "Z" * RUN
LONGEST_ECHO = "Z" * (ECHO_LIMIT + 1)
TEXT_TYPES = ("text/", "application/json")  # not the workbooks, PDFs and zip files, which are binary


# A form sent back to be corrected holds what was typed, as it was typed: that is the user's own draft in a
# form control, not a message about it.
FORM_CONTROL_VALUES = re.compile(r'<textarea[^>]*>.*?</textarea>|\svalue="[^"]*"', re.DOTALL)


def echoes(text: str) -> list[str]:
    text = FORM_CONTROL_VALUES.sub("", text)
    problems = []
    if LONGEST_ECHO in text:
        problems.append(f"a run of {max(len(r) for r in re.findall('Z+', text))} characters")
    if "\x00" in text or "\u202e" in text:
        problems.append("a raw control character")
    return problems


def api_routes() -> list[APIRoute]:
    # Signing out would end the test's session; the xAPI routes take their own credentials (see below).
    found = [
        r
        for r in walk(create_app().routes)
        if not r.path.startswith(OWN_AUTH_PREFIXES) and r.path not in ("/logout", "/login")
    ]
    assert len(found) > 20
    return found


@pytest.mark.parametrize("account", ["admin_ada", "psr_alice"])
def test_no_route_echoes_a_long_or_raw_value(client: TestClient, session: Session, account: str) -> None:
    sign_in(client, account)
    csrf = page_csrf(client)
    failures = []
    for route in api_routes():
        # One value at a time: a route checks its parameters in turn and answers the first bad one.
        path = PARAM.sub(quote(HOSTILE, safe=""), route.path)
        tries: list[tuple[str, dict[str, str], dict[str, str] | None]] = [(path, {}, None)]
        # The other path parameters keep a plain value, so that a route gets as far as its query and form.
        plain = PARAM.sub("1", route.path)
        tries += [(plain, {p.alias: HOSTILE}, None) for p in route.dependant.query_params]
        fields = [p.alias for p in route.dependant.body_params if p.alias != "csrf_token"]
        tries += [(plain, {}, {name: HOSTILE, "csrf_token": csrf}) for name in fields]
        for method in sorted(route.methods - {"HEAD"}):
            for url, query, form in tries:
                response = client.request(
                    method,
                    url,
                    params=query,
                    data=form,
                    headers={"X-CSRF-Token": csrf},
                    follow_redirects=False,
                )
                where = f"{method} {url[:60]} {list(query) or list(form or {})}"
                signed_out = response.status_code == 401 or response.headers.get("location", "").startswith(
                    "/login"
                )
                assert not signed_out, f"{where}: the test's session ended"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                if response.headers.get("content-type", "").startswith(TEXT_TYPES):
                    failures += [f"{where}: {problem}" for problem in echoes(response.text)]
    assert failures == [], "\n".join(failures)


def test_an_unknown_address_is_not_echoed(client: TestClient) -> None:
    for path in ("/" + quote(HOSTILE), "/api/v1/" + quote(HOSTILE)):
        response = client.get(path)
        assert response.status_code == 404
        assert echoes(response.text) == []
        assert len(response.content) < 20_000


def test_shown_escapes_and_cuts() -> None:
    assert shown("PSR-101") == "'PSR-101'"
    assert shown("a\x00b\u202ec\u200bd\tz") == "'a\\x00b\\u202ec\\u200bd\\x09z'"
    assert shown("\U000e0041") == "'\\U000e0041'"  # a tag character: invisible
    assert shown("名前 😀 Zoë") == "'名前 😀 Zoë'", "printable text in any script is left as it is"
    assert shown("Z" * 100_000) == f"'{'Z' * ECHO_LIMIT}…' (100,000 characters)"
    assert escaped("\udcff") == "\\udcff"


def test_every_message_is_bounded_whatever_built_it() -> None:
    error = AppError("No thing called '" + "\x00" + "Z" * 100_000 + "'.\nSecond line")
    assert error.message.startswith("No thing called '\\x00ZZZ")
    assert len(error.message) < MAX_MESSAGE + 100 and "(cut here: the message ran to 100," in error.message
    assert bounded("one\ntwo\x07") == "one\ntwo\\x07", "line breaks stay; other controls are escaped"
    described = describe_errors(
        [{"loc": ("body", "K" * 10_000 + "\x00"), "msg": "Extra inputs are not permitted"}]
    )
    assert described == f"{'K' * ECHO_LIMIT}: Extra inputs are not permitted"
