"""ADL's LRS conformance suite, every test of xAPI 2.0.0, against a live Pathways on SQLite.

About 70 seconds on a busy 2-core machine. A local run may skip it with PATHWAYS_SKIP_CONFORMANCE=1; CI (the
CI variable set) never does. `make conformance` runs both versions on both databases.
"""

import os
from pathlib import Path

import pytest

from tests.xapi.conformance import TOTALS, run_suite

SKIP = os.environ.get("PATHWAYS_SKIP_CONFORMANCE") == "1" and not os.environ.get("CI")


@pytest.mark.skipif(SKIP, reason="PATHWAYS_SKIP_CONFORMANCE=1 (a local run; CI never skips it)")
def test_every_test_of_the_2_0_0_suite_passes_on_sqlite(tmp_path: Path) -> None:
    result = run_suite(f"sqlite:///{tmp_path / 'conformance.db'}", "2.0.0", "sqlite")
    assert result.total == TOTALS["2.0.0"], result.line()
    assert result.failures == [], "\n".join(result.failures)
    assert result.passed == result.total
