"""A tracker Alice keeps for PSR II (she is a PSR I, so the lattice has a direct move)."""

import pytest
from sqlalchemy.orm import Session

from pathways.trackers.models import CareerTracker
from tests.trackers.support import start


@pytest.fixture
def tracker(session: Session) -> CareerTracker:
    return start(session)
