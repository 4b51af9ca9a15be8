"""The API described for people: a summary per operation, and /docs from this server's own files."""

from starlette.testclient import TestClient

from pathways.api_docs import SUMMARIES
from pathways.app import create_app


def operations() -> dict[tuple[str, str], dict[str, object]]:
    schema = create_app().openapi()
    return {
        (method.upper(), path): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_api_operation_has_a_summary_written_for_people() -> None:
    found = operations()
    missing = sorted(key for key in found if key not in SUMMARIES)
    assert missing == [], f"add a summary to pathways/api_docs.py SUMMARIES for {missing}"
    stale = sorted(key for key in SUMMARIES if key not in found)
    assert stale == [], f"SUMMARIES names operations that no longer exist: {stale}"
    assert found[("GET", "/api/v1/roles")]["summary"] == "List roles"


def test_docs_are_served_from_this_server_without_inline_script() -> None:
    client = TestClient(create_app())
    page = client.get("/docs")
    assert page.status_code == 200
    assert "<script>" not in page.text and "https://" not in page.text, "no inline script, no CDN"
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/static/api-docs.js"):
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert len(answer.content) > 100, asset
