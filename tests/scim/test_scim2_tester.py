"""scim2-tester, a suite nobody here wrote, against /scim/v2 on a real server: discovery, create, read, filter
and list, replace, delete, and PATCH add, replace and remove on every attribute Pathways publishes, on SQLite
and on PostgreSQL.

scim2-tester draws every value at random, `active` too, and makes each user's manager a user it has just
created at random, sometimes an inactive one: Pathways accepts a person under a manager who has left, as the
HR feed does (with a warning there), so every check must pass. The seed makes the run the same every time
(PATHWAYS_SCIM_TESTER_SEED picks another; seeds 0 to 3 all pass every check).
"""

import os
import random
from collections import Counter
from pathlib import Path

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.conftest import BACKENDS
from tests.scim.server import fresh_database, scim_server

PASSED = {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE}
SEED = int(os.environ.get("PATHWAYS_SCIM_TESTER_SEED", "0"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_scim2_tester_passes_every_check(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cluster = request.getfixturevalue("postgres_cluster") if backend == "postgresql" else None
    random.seed(SEED)
    database = fresh_database(backend, tmp_path, cluster)
    try:
        with scim_server(database, tmp_path / "server.log") as server:
            headers = {"Authorization": f"Bearer {server.token}"}
            with httpx2.Client(base_url=server.url, headers=headers, timeout=30) as http:
                results = check_server(SyncSCIMClient(http))
        passed = [r for r in results if r.status in PASSED]
        failed = [r for r in results if r.status not in PASSED]
    finally:
        database.engine.dispose()
    print(
        f"scim2-tester on {backend}, seed {SEED}: {len(results)} checks, {len(passed)} passed, "
        f"{len(failed)} not ({dict(Counter(r.status.name for r in results))})"
    )
    assert len(results) >= 44
    assert not failed, "\n".join(f"{r.status.name} {r.title}: {r.reason}" for r in failed)
