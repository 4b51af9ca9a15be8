"""The admin area leads to every administrator's tool, the completions import included."""

import re

from starlette.testclient import TestClient

from tests.helpers import sign_in


def test_the_admin_area_links_to_the_completions_import_and_the_lrs(client: TestClient) -> None:
    sign_in(client, "admin_ada")
    overview = client.get("/admin")
    navigation = overview.text.split('aria-label="Admin tools"')[1].split("</nav>")[0]
    assert 'href="/learning/completions/import"' in navigation and 'href="/admin/lrs"' in navigation
    for link in set(re.findall(r'href="(/[^"#]*)"', navigation)):
        assert client.get(link).status_code == 200, link
    # The import page itself is part of the admin area: its navigation leads back.
    importing = client.get("/learning/completions/import")
    assert 'aria-label="Admin tools"' in importing.text
    assert re.search(r'href="/learning/completions/import" aria-current="page"', importing.text)
