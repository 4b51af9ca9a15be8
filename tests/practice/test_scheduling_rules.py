"""Worked examples for scheduling: new versus established, booking constraints, the wait list, and
follow-ups checked against a brute-force optimum."""

import datetime as dt
import itertools

import pytest

from pathways.practice.cases.backfill import WaitlistBackfill, best_candidate
from pathways.practice.cases.base import Action, Severity
from pathways.practice.cases.booking import Booking, established
from pathways.practice.cases.followups import FollowUps, optimum, problems, waiting
from tests.practice.test_desk_rules import case_where, replace, run


# ---------------------------------------------------------------- booking and wait list
def test_new_versus_established_three_year_rule() -> None:
    on = dt.date(2026, 11, 23)
    seen = [{"date": "2024-05-01", "specialty": "family-medicine"}]
    assert established(seen, "family-medicine", on)
    assert not established(seen, "cardiology", on)
    assert not established([{"date": "2023-11-23", "specialty": "family-medicine"}], "family-medicine", on)
    assert not established([], "family-medicine", on)


def test_booking_violations_and_the_earliest_slot() -> None:
    kind = Booking()
    case = kind.generate(4)
    best = case.answer["earliest"]
    assert run(kind, case, kind.model_answer(case)) == []
    wrong_type = "established" if case.answer["visit_type"] == "new-patient" else "new-patient"
    found = run(kind, case, replace(kind.model_answer(case), "book", visit_type=wrong_type))
    assert found[0] == ("visit-type", Severity.MAJOR)
    cardiology = run(kind, case, replace(kind.model_answer(case), "book", provider="P3"))
    assert ("constraint", Severity.MAJOR) in cardiology
    assert best["provider"] in ("P1", "P2")


def test_a_later_suitable_slot_is_a_minor_error_with_the_difference() -> None:
    kind = Booking()
    for seed in range(60):
        case = kind.generate(seed)
        if (
            case.answer["earliest"]["day"] == case.facts["days"][0]
            and case.facts["days"][1] in case.facts["request"]["days"]
        ):
            break
    from pathways.practice.cases.booking import earliest

    late = dict(case.facts, days=case.facts["days"][1:])
    day, provider, start = earliest(late, case.answer["minutes"])
    steps = replace(
        kind.model_answer(case),
        "book",
        day=day,
        provider=provider,
        start=f"{start // 60:02d}:{start % 60:02d}",
    )
    found = Booking().grade(case, [Action(seq=1, kind="book", payload=steps[0][1])])
    assert [(f.code, f.severity) for f in found] == [("not-earliest", Severity.MINOR)]
    assert "minutes later" in found[0].message


def test_waitlist_priority_urgent_then_longest_waiting() -> None:
    facts = {
        "event": "no-show",
        "slot": {"provider": "P1", "start": 600, "minutes": 40},
        "waitlist": [
            {
                "id": "W1",
                "minutes": 40,
                "provider": None,
                "urgent": True,
                "added": "2026-11-01",
                "can_arrive_by": 600,
            },
            {
                "id": "W2",
                "minutes": 20,
                "provider": "P2",
                "urgent": True,
                "added": "2026-10-01",
                "can_arrive_by": 500,
            },
            {
                "id": "W3",
                "minutes": 20,
                "provider": None,
                "urgent": False,
                "added": "2026-09-01",
                "can_arrive_by": 600,
            },
            {
                "id": "W4",
                "minutes": 20,
                "provider": "P1",
                "urgent": False,
                "added": "2026-10-15",
                "can_arrive_by": 560,
            },
        ],
    }
    # No-show: 15 minutes are gone, so W1's 40-minute visit no longer fits; W2 wants another provider.
    assert best_candidate(facts) == "W3"
    facts["event"] = "cancelled"
    assert best_candidate(facts) == "W1"
    facts["waitlist"] = facts["waitlist"][1:2]
    assert best_candidate(facts) == "none"


def test_waitlist_grading() -> None:
    kind = WaitlistBackfill()
    case = case_where(kind, lambda c: c.answer["waitlist_id"] != "none")
    assert run(kind, case, kind.model_answer(case)) == []
    wrong_status = "no-show" if case.answer["status"] == "cancelled" else "cancelled"
    assert run(kind, case, replace(kind.model_answer(case), "mark_status", status=wrong_status)) == [
        ("status-wrong", Severity.MINOR)
    ]
    assert run(kind, case, replace(kind.model_answer(case), "backfill", waitlist_id="none")) == [
        ("slot-wasted", Severity.MINOR)
    ]


# ---------------------------------------------------------------- follow-ups: CP-SAT against brute force
@pytest.mark.parametrize("seed", range(12))
def test_cp_sat_waiting_equals_the_brute_force_optimum(seed: int) -> None:
    case = FollowUps().generate(seed)
    appointments = case.facts["appointments"]
    minutes = {k: a["minutes"] for k, a in appointments.items()}
    best = None
    for combo in itertools.product(*(a["options"] for a in appointments.values())):
        starts = dict(zip(appointments, combo, strict=True))
        if not problems(starts, case.facts):
            value = waiting(starts, minutes)
            best = value if best is None else min(best, value)
    assert best == case.answer["waiting"]
    assert optimum(case.facts) is not None


def test_followup_grading_infeasible_and_extra_waiting() -> None:
    kind = FollowUps()
    case = kind.generate(1)
    plan = dict(case.answer["plan"])
    assert run(kind, case, [("schedule", plan)]) == []
    together = plan | {"lab": plan["visit"]}
    assert ("infeasible", Severity.MAJOR) in run(kind, case, [("schedule", together)])
    minutes = {k: a["minutes"] for k, a in case.facts["appointments"].items()}
    starts = {k: int(v[:2]) * 60 + int(v[3:]) for k, v in plan.items()}
    worse = next(
        lab
        for lab in case.facts["appointments"]["lab"]["options"]
        if not problems(starts | {"lab": lab}, case.facts)
        and waiting(starts | {"lab": lab}, minutes) > case.answer["waiting"]
    )
    found = kind.grade(
        case, [Action(seq=1, kind="schedule", payload=plan | {"lab": f"{worse // 60:02d}:{worse % 60:02d}"})]
    )
    assert [(f.code, f.severity) for f in found] == [("extra-waiting", Severity.MINOR)]
    assert f"{case.answer['waiting']} was possible" in found[0].message
