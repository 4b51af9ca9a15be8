from decimal import Decimal

import pytest

from pathways.learning.service import InvalidFilter, parse_course_filters


def test_blank_values_mean_any() -> None:
    filters = parse_course_filters(q="  ", competency="", modality="", duration="", max_hours="")
    assert filters.q == ""
    assert filters.competency is None
    assert filters.modality is None
    assert filters.duration is None
    assert filters.max_hours is None
    assert not filters.active


def test_values_are_parsed() -> None:
    filters = parse_course_filters(
        q="  difficult   draws ", modality="classroom", duration="long", max_hours="2.5"
    )
    assert filters.q == "difficult draws"
    assert filters.modality == "classroom"
    assert filters.duration == "long"
    assert filters.max_hours == Decimal("2.5")
    assert filters.active


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"modality": "webinar"},
            "Unknown modality 'webinar'. Choose one of: e-learning, classroom, on-the-job.",
        ),
        ({"duration": "forever"}, "Unknown duration 'forever'. Choose one of: short, medium, long."),
        ({"max_hours": "two"}, "Maximum hours must be a number, such as 2 or 1.5; got 'two'."),
        ({"max_hours": "nan"}, "Maximum hours must be a number, such as 2 or 1.5; got 'nan'."),
        ({"max_hours": "Infinity"}, "Maximum hours must be a number, such as 2 or 1.5; got 'Infinity'."),
        ({"max_hours": "0"}, "Maximum hours must be more than 0 and at most 1000."),
        ({"max_hours": "-3"}, "Maximum hours must be more than 0 and at most 1000."),
    ],
)
def test_bad_values_are_refused_with_a_message(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidFilter) as raised:
        parse_course_filters(**arguments)
    assert raised.value.status_code == 422
    assert raised.value.message == message
