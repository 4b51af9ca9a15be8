"""An empty query value means "not set" on every page and API route, and the LRS keeps its own rules."""

from starlette.testclient import TestClient

from pathways.querystring import without_empty_values
from tests.helpers import sign_in


def test_empty_values_are_dropped_and_the_rest_kept_as_written() -> None:
    assert without_empty_values(b"manager=&site=NV%20PSC&q=&only") == b"site=NV%20PSC"
    assert without_empty_values(b"q=%20&sort=name") == b"q=%20&sort=name"
    assert without_empty_values(b"a=&b=") == b""


def test_an_empty_filter_is_the_same_as_none(client: TestClient) -> None:
    sign_in(client, "sup_carl")
    assert client.get("/team?manager=&site=&role=&q=&only=").text == client.get("/team").text
    assert client.get("/learning/team?site=&show=").status_code == 200
    assert client.get("/api/v1/compliance?site=").status_code == 200
    # A GET search form sent with its box empty still answers, with everything.
    assert client.get("/courses?q=").status_code == 200
