"""scim2-tester, a suite nobody here wrote, against /scim/v2 on a real server: every check it makes for the
features ServiceProviderConfig declares (discovery, create, read, filter and list, replace, delete, and PATCH
add, replace and remove on every attribute Pathways publishes) passes, on SQLite and on PostgreSQL."""

from collections import Counter
from pathlib import Path

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.conftest import BACKENDS
from tests.scim.server import fresh_database, scim_server

PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}


@pytest.mark.parametrize("backend", BACKENDS)
def test_scim2_tester_passes_every_check(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    cluster = request.getfixturevalue("postgres_cluster") if backend == "postgresql" else None
    database = fresh_database(backend, tmp_path, cluster)
    try:
        with scim_server(database, tmp_path / "server.log") as server:
            headers = {"Authorization": f"Bearer {server.token}"}
            with httpx2.Client(base_url=server.url, headers=headers, timeout=30) as http:
                results = check_server(SyncSCIMClient(http))
    finally:
        database.engine.dispose()
    statuses = Counter(result.status.name for result in results)
    print(f"scim2-tester on {backend}: {len(results)} checks, {dict(statuses)}")
    failed = [result for result in results if result.status not in PASSED and result.status != Status.SKIPPED]
    skipped = [result for result in results if result.status == Status.SKIPPED]
    for result in failed + skipped:
        print(f"  {result.status.name} {result.title}: {result.reason}")
    assert results and not failed, "\n".join(f"{r.title}: {r.reason}" for r in failed)
