"""Order of draw (CLSI): each rule, with the critical citrate-after-clot-activator error."""

import pytest

from pathways.practice.cases.base import Action, Severity
from pathways.practice.cases.catalog import TESTS, TUBES
from pathways.practice.cases.order_of_draw import OrderOfDraw, correct_sequence

KIND = OrderOfDraw()


def grade(tests: list[str], tubes: list[str], winged: bool = False) -> list[tuple[str, Severity]]:
    case = KIND.generate(0).model_copy(
        update={
            "facts": {"tests": [{"code": t, "name": TESTS[t].name} for t in tests], "winged": winged},
            "answer": {"tubes": correct_sequence(tests, winged)},
        }
    )
    return [
        (f.code, f.severity) for f in KIND.grade(case, [Action(seq=1, kind="draw", payload={"tubes": tubes})])
    ]


def test_clsi_order_for_every_tube_kind() -> None:
    tests = ["GLU", "CBC", "AMMONIA", "CMP", "PT", "BCX"]
    assert correct_sequence(tests, winged=False) == [
        "blood-culture",
        "light-blue",
        "gold-sst",
        "green",
        "lavender",
        "grey",
    ]
    ranks = [TUBES[t].rank for t in ("blood-culture", "light-blue", "red-plain", "green", "lavender", "grey")]
    assert ranks == sorted(ranks) == [1, 2, 3, 4, 5, 6]
    assert TUBES["red-activator"].rank == TUBES["gold-sst"].rank == TUBES["red-plain"].rank


def test_the_right_tubes_in_order_find_nothing() -> None:
    assert grade(["BCX", "PT", "CMP", "CBC"], ["blood-culture", "light-blue", "gold-sst", "lavender"]) == []


@pytest.mark.parametrize("serum", ["gold-sst", "red-activator"])
def test_citrate_after_a_clot_activator_tube_is_critical(serum: str) -> None:
    tests = ["PT", "CMP" if serum == "gold-sst" else "DIG"]
    assert grade(tests, [serum, "light-blue"]) == [("citrate-after-activator", Severity.CRITICAL)]


def test_citrate_after_a_plain_red_tube_is_an_order_error_but_not_critical() -> None:
    assert ("order-of-draw", Severity.MAJOR) in grade(["PT"], ["red-plain", "light-blue"])


@pytest.mark.parametrize(
    ("tests", "tubes"),
    [
        (["BCX", "PT"], ["light-blue", "blood-culture"]),  # blood cultures (sterile) come first
        (["CMP", "AMMONIA"], ["green", "gold-sst"]),  # serum before heparin
        (["AMMONIA", "CBC"], ["lavender", "green"]),  # heparin before EDTA
        (["CBC", "GLU"], ["grey", "lavender"]),  # EDTA before fluoride/oxalate
        (["CMP", "CBC"], ["lavender", "gold-sst"]),  # EDTA carry-over into serum
    ],
)
def test_each_tube_out_of_order_is_a_major_error(tests: list[str], tubes: list[str]) -> None:
    assert grade(tests, tubes) == [("order-of-draw", Severity.MAJOR)]


def test_winged_set_needs_a_discard_tube_before_a_first_citrate_tube() -> None:
    assert correct_sequence(["PT", "CBC"], winged=True) == ["discard", "light-blue", "lavender"]
    assert grade(["PT", "CBC"], ["light-blue", "lavender"], winged=True) == [
        ("no-discard-tube", Severity.MAJOR)
    ]
    assert grade(["PT", "CBC"], ["discard", "light-blue", "lavender"], winged=True) == []
    # A blood culture drawn first fills the tubing, so no discard tube is needed then.
    assert correct_sequence(["BCX", "PT"], winged=True) == ["blood-culture", "light-blue"]


def test_missing_and_extra_tubes() -> None:
    found = grade(["CBC", "GLU"], ["lavender", "green"])
    assert ("missing-tube", Severity.MAJOR) in found
    assert ("extra-tube", Severity.MINOR) in found


def test_an_unknown_tube_is_refused_with_a_message() -> None:
    from pathways.errors import BadRequest

    with pytest.raises(BadRequest, match="unknown tube: purple"):
        KIND.parse("draw", {"tubes": ["purple"]})
