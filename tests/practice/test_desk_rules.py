"""Worked examples for registration and payment cases."""

from typing import Any

import pytest

from pathways.practice.cases.base import Action, Case, CaseKind, Severity
from pathways.practice.cases.card_data import REMOVED, security_code
from pathways.practice.cases.payment import Payment
from pathways.practice.cases.registration import NewRegistration
from pathways.practice.cases.returning import ReturningRegistration, order_cards


def run(kind: CaseKind, case: Case, steps: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Severity]]:
    actions, found = [], []
    for number, (name, raw) in enumerate(steps, start=1):
        screened = kind.screen(case, name, kind.parse(name, raw))
        found += screened.findings
        actions.append(Action(seq=number, kind=name, payload=screened.payload))
    return [(f.code, f.severity) for f in found + kind.grade(case, actions)]


def replace(
    steps: list[tuple[str, dict[str, Any]]], name: str, **changes: Any
) -> list[tuple[str, dict[str, Any]]]:
    return [(k, (p | changes) if k == name else p) for k, p in steps]


# ---------------------------------------------------------------- registration
def case_where(kind: CaseKind, test: Any) -> Case:
    return next(c for c in (kind.generate(s) for s in range(200)) if test(c))


def test_a_known_patient_registered_again_is_a_duplicate() -> None:
    kind = NewRegistration()
    case = case_where(kind, lambda c: c.answer["mode"] == "existing")
    steps = replace(kind.model_answer(case), "register", mode="new", mrn=None)
    assert run(kind, case, steps) == [("duplicate-record", Severity.MAJOR)]


def test_registering_into_a_look_alike_record_is_critical() -> None:
    kind = NewRegistration()
    case = case_where(kind, lambda c: c.answer["mode"] == "new")
    same_name = next(r for r in case.hidden["index"] if r["first"] == case.answer["fields"]["first"])
    assert same_name["dob"] != case.answer["fields"]["dob"]  # the trap: same name, another person
    steps = replace(kind.model_answer(case), "register", mode="existing", mrn=same_name["mrn"])
    assert ("wrong-patient-record", Severity.CRITICAL) in run(kind, case, steps)


def test_registration_without_a_search_and_field_errors() -> None:
    kind = NewRegistration()
    case = case_where(kind, lambda c: c.answer["mode"] == "new")
    steps = [s for s in kind.model_answer(case) if s[0] == "register"]
    steps = replace(steps, "register", member_id="TEST00000000", zip="00000")
    assert sorted(run(kind, case, steps)) == [
        ("field-member-id", Severity.MAJOR),
        ("field-zip", Severity.MINOR),
        ("no-search", Severity.MINOR),
    ]
    # Case and spacing do not matter; phone punctuation does not matter.
    fields = case.answer["fields"]
    loose = replace(
        kind.model_answer(case),
        "register",
        last=f"  {fields['last'].upper()} ",
        phone=fields["phone"].replace("-", " "),
    )
    assert run(kind, case, loose) == []


def test_search_finds_by_last_name_and_date_of_birth() -> None:
    kind = NewRegistration()
    case = case_where(kind, lambda c: c.answer["mode"] == "existing")
    fields = case.answer["fields"]
    found = kind.respond(case, "search", {"last_name": fields["last"][:4].lower(), "dob": fields["dob"]}, [])
    assert [m["mrn"] for m in found["matches"]] == [case.answer["mrn"]]


def test_primary_coverage_rules() -> None:
    own = {"member_id": "TEST1", "relationship": "self", "subscriber_dob": "1980-12-01"}
    spouse = {"member_id": "TEST2", "relationship": "spouse", "subscriber_dob": "1980-01-01"}
    assert order_cards([spouse, own])[0] == [own, spouse]
    mother = {"member_id": "TEST3", "relationship": "child", "subscriber_dob": "1985-09-30"}
    father = {"member_id": "TEST4", "relationship": "child", "subscriber_dob": "1979-03-02"}
    # Birthday rule: month and day only; the father's March birthday comes first, whatever the year.
    ordered, rule = order_cards([mother, father])
    assert ordered == [father, mother] and "Birthday rule" in rule


def test_returning_patient_old_coverage_and_order() -> None:
    kind = ReturningRegistration()
    case = kind.generate(4)
    answer = case.answer
    assert run(kind, case, kind.model_answer(case)) == []
    open_coverage = replace(
        kind.model_answer(case), "update_registration", end_coverage_id=None, end_date=None
    )
    assert run(kind, case, open_coverage) == [("old-coverage-open", Severity.MAJOR)]
    swapped = replace(
        kind.model_answer(case),
        "update_registration",
        primary_member_id=answer["secondary"]["member_id"],
        secondary_member_id=answer["primary"]["member_id"],
    )
    assert run(kind, case, swapped) == [("coverage-order", Severity.MAJOR)]
    late = replace(kind.model_answer(case), "update_registration", end_date="2026-11-30")
    assert run(kind, case, late) == [("end-date-wrong", Severity.MINOR)]


# ---------------------------------------------------------------- payment
def card_case() -> Case:
    return case_where(Payment(), lambda c: c.facts["method"] == "card")


def test_the_security_code_is_critical_and_never_kept() -> None:
    kind = Payment()
    case = card_case()
    code = security_code(case.seed)
    assert code not in str(case.model_dump())  # the case itself never holds it
    steps = replace(kind.model_answer(case), "take_payment", security_code=code)
    screened = kind.screen(case, "take_payment", kind.parse("take_payment", steps[0][1]))
    assert "security_code" not in screened.payload
    assert [f.code for f in screened.findings] == ["security-code-entered"]
    assert ("security-code-entered", Severity.CRITICAL) in run(kind, case, steps)


@pytest.mark.parametrize(
    "note", ["cvv 123", "card 4111 1111 1111 1111", "code on the back is {code}", "{code}"]
)
def test_card_data_in_the_note_is_removed_and_critical(note: str) -> None:
    kind = Payment()
    case = card_case()
    text = note.format(code=security_code(case.seed))
    screened = kind.screen(
        case, "take_payment", kind.parse("take_payment", {"method": "card", "amount": "1.00", "note": text})
    )
    assert screened.payload["note"] == REMOVED
    assert [f.severity for f in screened.findings] == [Severity.CRITICAL]


def test_an_ordinary_note_is_kept() -> None:
    kind = Payment()
    case = card_case()
    screened = kind.screen(
        case,
        "take_payment",
        kind.parse("take_payment", {"method": "card", "amount": "1.00", "note": "Paid $160.00 today"}),
    )
    assert screened.payload["note"] == "Paid $160.00 today" and screened.findings == []


def test_payment_amount_change_receipt_and_drawer() -> None:
    kind = Payment()
    case = case_where(kind, lambda c: c.facts["method"] == "cash" and c.answer["over_short_cents"] != 0)
    assert run(kind, case, kind.model_answer(case)) == []
    a = case.answer
    assert a["change_cents"] == case.facts["tendered_cents"] - a["amount_cents"]
    assert a["expected_drawer_cents"] == case.facts["opening_float_cents"] + a["cash_total_cents"]
    assert a["over_short_cents"] == case.facts["counted_cash_cents"] - a["expected_drawer_cents"]
    wrong = replace(kind.model_answer(case), "take_payment", change_given="0.01")
    assert run(kind, case, wrong) == [("change-wrong", Severity.MAJOR)]
    no_receipt = [s for s in kind.model_answer(case) if s[0] != "issue_receipt"]
    assert run(kind, case, no_receipt) == [("no-receipt", Severity.MAJOR)]
    balanced = replace(kind.model_answer(case), "close_day", over_short="0")
    assert run(kind, case, balanced) == [("over-short-wrong", Severity.MAJOR)]


def test_receipt_shows_only_the_last_four_digits() -> None:
    kind = Payment()
    case = card_case()
    steps = kind.model_answer(case)
    history = [
        Action(
            seq=1,
            kind="take_payment",
            payload=kind.parse("take_payment", steps[0][1]).model_dump(mode="json"),
        )
    ]
    receipt = kind.respond(case, "issue_receipt", {"delivery": "printed"}, history)["receipt"]
    assert receipt["method"] == f"Card ending {case.answer['card_last4']}"
    assert "1111 1111" not in str(receipt)
