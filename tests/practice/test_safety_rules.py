"""Worked examples for privacy, identification, requisitions, the frustrated patient, and scoring."""

from typing import Any

import pytest

from pathways.practice.cases.base import Action, Case, Finding, Severity
from pathways.practice.cases.frustrated import FrustratedPatient
from pathways.practice.cases.identification import Identification
from pathways.practice.cases.privacy import SCENARIOS, Privacy
from pathways.practice.cases.requisition import RequisitionReview
from pathways.practice.scoring import score, time_findings

PRIVACY = Privacy()


def privacy_case(scenario: str) -> Case:
    return next(c for c in (PRIVACY.generate(s) for s in range(300)) if c.facts["scenario"] == scenario)


def respond(case: Case, decision: str, items: list[str]) -> list[tuple[str, Severity]]:
    action = Action(seq=1, kind="respond", payload={"decision": decision, "items": items})
    return [(f.code, f.severity) for f in PRIVACY.grade(case, [action])]


def test_every_privacy_scenario_is_generated() -> None:
    seen = {PRIVACY.generate(s).facts["scenario"] for s in range(300)}
    assert seen == {key for key, *_ in SCENARIOS}


def test_refuse_when_nothing_allows_disclosure() -> None:
    case = privacy_case("spouse-no-authorization")
    assert respond(case, "refuse", []) == []
    assert respond(case, "disclose", ["results"]) == [("disclosed-without-permission", Severity.CRITICAL)]
    assert respond(case, "verify", []) == [("should-refuse", Severity.MAJOR)]


def test_verify_before_disclosing_to_an_authorized_person() -> None:
    case = privacy_case("spouse-authorized")
    assert respond(case, "verify", ["results"]) == []
    assert respond(case, "disclose", ["results"]) == [("disclosed-unverified", Severity.CRITICAL)]
    assert respond(case, "refuse", []) == [("refused-allowed-request", Severity.MAJOR)]


def test_minimum_necessary() -> None:
    case = privacy_case("employer-drug-screen")
    assert respond(case, "verify", ["drug-screen"]) == []
    assert respond(case, "verify", ["drug-screen", "all-results"]) == [
        ("more-than-necessary", Severity.CRITICAL)
    ]
    assert respond(case, "verify", []) == [("less-than-asked", Severity.MINOR)]


def test_disclose_when_identity_is_already_verified() -> None:
    case = privacy_case("patient-in-person")
    assert respond(case, "disclose", ["appointment"]) == []
    assert respond(case, "verify", ["appointment"]) == [("needless-verification", Severity.MINOR)]


ID = Identification()


def id_case(mismatch: bool) -> Case:
    return next(
        c for c in (ID.generate(s) for s in range(100)) if (c.answer["mismatch"] is not None) == mismatch
    )


def id_steps(case: Case, **changes: Any) -> list[Action]:
    steps = ID.model_answer(case)
    actions = []
    for number, (name, payload) in enumerate(steps, start=1):
        payload = payload | changes.get(name, {})
        actions.append(Action(seq=number, kind=name, payload=ID.parse(name, payload).model_dump(mode="json")))
    return actions


def codes(found: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.code, f.severity) for f in found]


def test_two_identifiers_open_ended() -> None:
    case = id_case(mismatch=False)
    assert ID.grade(case, id_steps(case)) == []
    closed = codes(ID.grade(case, id_steps(case, ask={"style": "closed"})))
    assert closed == [("closed-question", Severity.MAJOR)]
    room = codes(ID.grade(case, id_steps(case, ask={"identifiers": ["name", "room"]})))
    assert room == [("one-identifier", Severity.CRITICAL)]


def test_a_closed_question_gets_a_yes_even_from_the_wrong_patient() -> None:
    case = id_case(mismatch=True)
    assert ID.respond(case, "ask", {"style": "closed", "identifiers": ["name", "dob"]}, []) == {
        "patient_says": "Yes, that's me."
    }
    said = ID.respond(case, "ask", {"style": "open", "identifiers": ["name", "dob"]}, [])["patient_says"]
    requisition = case.facts["requisition"]
    assert (said["name"], said["dob"]) != (requisition["name"], requisition["dob"])


def test_drawing_on_a_mismatch_is_critical() -> None:
    case = id_case(mismatch=True)
    assert ID.grade(case, id_steps(case)) == []  # stopped: right
    drew = id_steps(case, verify={"decision": "proceed"})
    assert ("drew-on-mismatch", Severity.CRITICAL) in codes(ID.grade(case, drew))


def test_label_mismatch_is_critical_and_labelling_away_is_major() -> None:
    case = id_case(mismatch=False)
    wrong = codes(ID.grade(case, id_steps(case, label={"dob": "1900-01-01"})))
    assert wrong == [("label-mismatch", Severity.CRITICAL)]
    away = codes(ID.grade(case, id_steps(case, label={"when": "before-draw"})))
    assert away == [("labelled-away", Severity.MAJOR)]


def test_requisition_review() -> None:
    kind = RequisitionReview()
    case = next(c for c in (kind.generate(s) for s in range(100)) if len(c.answer["problems"]) == 2)
    missing = case.answer["problems"]
    requisition = case.facts["requisition"]
    blank = {
        "missing-provider": not requisition["provider"],
        "missing-test": not requisition["tests"],
        "missing-diagnosis": not requisition["diagnoses"],
        "missing-billing": not (requisition["payer"] and requisition["member_id"]),
    }
    assert {p for p, empty in blank.items() if empty} == set(missing)
    review = Action(seq=1, kind="review", payload={"problems": missing[:1], "decision": "accept"})
    found = codes(kind.grade(case, [review]))
    assert (f"missed-{missing[1]}", Severity.MAJOR) in found
    assert ("decision-wrong", Severity.MAJOR) in found
    clean = next(c for c in (kind.generate(s) for s in range(100)) if not c.answer["problems"])
    flagged = Action(seq=1, kind="review", payload={"problems": ["missing-test"], "decision": "hold"})
    assert codes(kind.grade(clean, [flagged])) == [
        ("false-missing-test", Severity.MINOR),
        ("decision-wrong", Severity.MINOR),
    ]


def test_frustrated_patient_scores_each_turn_by_competency() -> None:
    kind = FrustratedPatient()
    case = kind.generate(5)
    worst = []
    for number, scoring in enumerate(case.answer["scoring"], start=1):
        key = max(
            scoring,
            key=lambda k: (
                ["minor", "major", "critical"].index(scoring[k]["severity"]) if scoring[k]["severity"] else -1
            ),
        )
        worst.append(Action(seq=number, kind="reply", payload={"turn": number, "option": key}))
    found = kind.grade(case, worst)
    assert len(found) == 3 and all(f.severity in (Severity.MAJOR, Severity.CRITICAL) for f in found)
    assert {f.competency for f in found} <= {
        "composure",
        "listening",
        "informing",
        "privacy-compliance",
        "decision-quality",
    }
    unfinished = kind.grade(case, worst[:1])
    assert sum(f.code == "left-unfinished" for f in unfinished) == 2
    assert kind.respond(case, "reply", {"turn": 1, "option": case.answer["best"][0]}, []) == {
        "reaction": "The patient takes a breath and nods."
    }


def finding(severity: Severity) -> Finding:
    return Finding(code="x", severity=severity, message="x")


@pytest.mark.parametrize(
    ("severities", "points", "passed"),
    [
        ([], 100, True),
        ([Severity.MINOR] * 4, 80, True),
        ([Severity.MAJOR], 80, True),
        ([Severity.MAJOR, Severity.MINOR], 75, False),
        ([Severity.MAJOR] * 6, 0, False),
        ([Severity.CRITICAL], 0, False),
    ],
)
def test_scoring(severities: list[Severity], points: int, passed: bool) -> None:
    result = score([finding(s) for s in severities], elapsed_seconds=42)
    assert (result.score, result.passed, result.elapsed_seconds) == (points, passed, 42)


def test_a_case_left_undone_cannot_pass_even_with_80_points() -> None:
    (missing,) = PRIVACY.grade(PRIVACY.generate(1), [])
    assert missing.incomplete and missing.severity == Severity.MAJOR
    result = score([missing], elapsed_seconds=5)
    assert (result.score, result.passed) == (80, False)


def test_a_slow_case_adds_a_time_management_finding() -> None:
    kind = PRIVACY  # target 120 s
    assert time_findings(kind, 240) == []
    slow = time_findings(kind, 241)
    assert [(f.code, f.severity, f.competency) for f in slow] == [("slow", Severity.MINOR, "time-management")]
