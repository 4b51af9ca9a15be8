"""Data types below a statement (timestamps, durations), and arbitrary JSON against the validator."""

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.xapi.formats import XapiError, is_duration, parse_timestamp
from pathways.xapi.statements import validate_batch
from tests.xapi.test_validation import BASE


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2026-11-23T10:00:00Z", True),
        ("2026-11-23T10:00:00", True),
        ("2026-11-23T10:00:00.5+0530", True),
        ("2026-13-23T10:00:00Z", False),
        ("2026-11-23", False),
        ("yesterday", False),
        ("2026-11-23T25:00:00Z", False),
    ],
)
def test_timestamps(text: str, ok: bool) -> None:
    assert (parse_timestamp(text) is not None) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("PT1H", True),
        ("P1D", True),
        ("P1Y2M3DT4H5M6.7S", True),
        ("P4W", True),
        ("PT", False),
        ("P", False),
        ("1H", False),
    ],
)
def test_durations(text: str, ok: bool) -> None:
    assert is_duration(text) is ok


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(["actor", "verb", "object", "result", "context", "timestamp", "attachments", "id"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, JSON, max_size=6), st.sampled_from([None, "actor", "object", "context"]))
def test_any_json_is_either_valid_or_a_400_never_a_crash(noise: dict[str, Any], keep: str | None) -> None:
    statement = copy.deepcopy(BASE)
    statement.update(noise)
    if keep:
        statement[keep] = BASE.get(keep, statement.get(keep))
    try:
        validate_batch(statement)
    except XapiError as error:
        assert error.status_code == 400
