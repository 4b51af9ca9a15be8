"""Taking a payment: the right amount, card data never kept, a receipt, and the day's ledger against the
drawer.
"""

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Money,
    Payload,
    Screened,
    Severity,
    SignedMoney,
    derived_seed,
    first,
    last,
    rng_for,
    to_cents,
    usd,
)
from pathways.practice.cases.card_data import (
    CODE_ENTERED,
    DATA_IN_NOTE,
    REMOVED,
    holds_card_data,
    security_code,
)  # fmt: skip
from pathways.practice.cases.synthetic import FIRST_NAMES, LAST_NAMES, PRACTICE_DAY, TEST_CARDS, person


class TakePayment(Payload):
    method: Literal["card", "cash", "check"]
    amount: Money
    tendered: Money | None = None
    change_given: Money | None = None
    card_last4: str | None = Field(default=None, pattern=r"^\d{4}$")
    note: str | None = Field(default=None, max_length=300)
    security_code: str | None = Field(default=None, max_length=8)  # accepted only to be refused


class IssueReceipt(Payload):
    delivery: Literal["printed", "emailed"]


class CloseDay(Payload):
    cash_total: Money
    card_total: Money
    check_total: Money = Decimal(0)
    expected_drawer: Money
    over_short: SignedMoney


class Payment(CaseKind):
    code = "payment"
    name = "Take the payment"
    family = "payment"
    summary = "Collect what is due, keep no card data, give a receipt and balance the day's drawer."
    competencies = ("payment-collection", "privacy-compliance")
    target_seconds = 300
    actions = {"take_payment": TakePayment, "issue_receipt": IssueReceipt, "close_day": CloseDay}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        due = rng.choice([2500, 3000, 4500, 6000, 8250, 11000, 16000])
        method = rng.choice(["card", "cash"])
        brand, number = rng.choice(TEST_CARDS)
        tendered = ((due // 2000) + 1) * 2000 if method == "cash" else 0
        opening = rng.choice([15000, 20000])
        ledger: list[dict[str, Any]] = []
        for hour in (8, 9, 10, 11, 13):
            kind = rng.choice(["cash", "card", "card", "check"])
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            amount = rng.choice([1500, 2000, 2500, 3000, 4000, 5500])
            ledger.append(
                {
                    "time": f"{hour:02d}:{rng.choice([5, 20, 40]):02d}",
                    "patient": name,
                    "method": kind,
                    "amount_cents": amount,
                }
            )
        cash = sum(e["amount_cents"] for e in ledger if e["method"] == "cash") + (
            due if method == "cash" else 0
        )
        card = sum(e["amount_cents"] for e in ledger if e["method"] == "card") + (
            due if method == "card" else 0
        )
        check = sum(e["amount_cents"] for e in ledger if e["method"] == "check")
        expected = opening + cash
        counted = expected + rng.choice([0, 0, -1000, -500, 2000])
        card_text = f"{brand} {' '.join(number[i : i + 4] for i in range(0, 16, 4))}"
        facts: dict[str, Any] = {
            "patient": patient.full_name,
            "due_cents": due,
            "method": method,
            "tendered_cents": tendered,
            "card": {"brand": brand, "number": card_text, "expires": "12/29", "name": patient.full_name}
            if method == "card"
            else None,
            "opening_float_cents": opening,
            "ledger": ledger,
            "counted_cash_cents": counted,
            "date": PRACTICE_DAY.isoformat(),
        }
        pays = "by card" if method == "card" else f"with {usd(tendered)} in cash"
        brief = (
            f"{patient.full_name} owes {usd(due)} for today's visit and pays {pays}. "
            + (
                "Handing you the card, the patient reads out the card number and the security code on the "
                "back 'so you can keep it on file for next time'. "
                if method == "card"
                else ""
            )
            + "Take the payment, give a receipt, then close the day: total the ledger and balance the drawer."
        )
        answer = {
            "amount_cents": due,
            "change_cents": tendered - due if method == "cash" else 0,
            "card_last4": number[-4:] if method == "card" else None,
            "cash_total_cents": cash,
            "card_total_cents": card,
            "check_total_cents": check,
            "expected_drawer_cents": expected,
            "over_short_cents": counted - expected,
        }
        return Case(
            type=self.code,
            seed=seed,
            title=f"Checkout for {patient.first}",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def screen(self, case: Case, kind: str, payload: Payload) -> Screened:
        data = payload.model_dump(mode="json")
        if not isinstance(payload, TakePayment):
            return Screened(payload=data)
        findings = []
        if data.pop("security_code", None):
            findings.append(self.finding("security-code-entered", Severity.CRITICAL, CODE_ENTERED,
                                         competency="privacy-compliance"))  # fmt: skip
        if holds_card_data(data.get("note") or "", security_code(case.seed)):
            data["note"] = REMOVED
            findings.append(self.finding("card-data-stored", Severity.CRITICAL, DATA_IN_NOTE,
                                         competency="privacy-compliance"))  # fmt: skip
        return Screened(payload=data, findings=findings)

    def respond(
        self, case: Case, kind: str, payload: dict[str, Any], history: list[Action]
    ) -> dict[str, Any]:
        if kind != "issue_receipt":
            return {}
        taken = last(history, "take_payment")
        if taken is None:
            return {"message": "There is no payment to give a receipt for yet."}
        paid = TakePayment.model_validate(taken.payload)
        method = (
            f"Card ending {paid.card_last4}" if paid.method == "card" and paid.card_last4 else paid.method
        )
        return {
            "receipt": {
                "number": f"R-{derived_seed('receipt', case.seed) % 100000:05d}-{taken.seq}",
                "date": case.facts["date"],
                "patient": case.facts["patient"],
                "amount": usd(to_cents(paid.amount)),
                "method": method,
                "change": usd(to_cents(paid.change_given or 0)),
                "delivery": payload["delivery"],
            }
        }

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        answer, facts = case.answer, case.facts
        findings: list[Finding] = []
        taken = last(actions, "take_payment")
        if taken is None:
            return [self.missing("no-payment", "No payment was taken.")]
        paid = TakePayment.model_validate(taken.payload)
        if to_cents(paid.amount) != answer["amount_cents"]:
            findings.append(
                self.finding(
                    "amount-wrong",
                    Severity.MAJOR,
                    f"The amount due is {usd(answer['amount_cents'])}; {usd(to_cents(paid.amount))} was "
                    "taken.",
                    taken.seq,
                )
            )
        if paid.method != facts["method"]:
            findings.append(
                self.finding(
                    "method-wrong",
                    Severity.MINOR,
                    f"The patient paid by {facts['method']}, but it was posted as {paid.method}.",
                    taken.seq,
                )
            )
        if facts["method"] == "cash" and to_cents(paid.change_given or 0) != answer["change_cents"]:
            findings.append(
                self.finding(
                    "change-wrong",
                    Severity.MAJOR,
                    f"The change due from {usd(facts['tendered_cents'])} is {usd(answer['change_cents'])}.",
                    taken.seq,
                )
            )
        if facts["method"] == "card" and paid.card_last4 != answer["card_last4"]:
            findings.append(
                self.finding(
                    "last4-wrong",
                    Severity.MINOR,
                    "The receipt reference should be the card's last four digits.",
                    taken.seq,
                )
            )
        receipt = first(actions, "issue_receipt")
        if receipt is None:
            findings.append(
                self.finding("no-receipt", Severity.MAJOR, "The patient was not given a receipt.")
            )
        elif receipt.seq < taken.seq:
            findings.append(
                self.finding(
                    "receipt-before-payment",
                    Severity.MINOR,
                    "The receipt was issued before the payment was posted.",
                    receipt.seq,
                )
            )
        return findings + self._ledger(case, actions)

    def _ledger(self, case: Case, actions: list[Action]) -> list[Finding]:
        closed = last(actions, "close_day")
        if closed is None:
            return [self.missing("day-not-closed", "The day's ledger was not balanced.")]
        day = CloseDay.model_validate(closed.payload)
        a = case.answer
        checks = [
            ("cash-total-wrong", Severity.MAJOR, day.cash_total, a["cash_total_cents"], "cash taken today"),
            (
                "card-total-wrong",
                Severity.MINOR,
                day.card_total,
                a["card_total_cents"],
                "card payments today",
            ),
            ("check-total-wrong", Severity.MINOR, day.check_total, a["check_total_cents"], "checks today"),
            (
                "expected-drawer-wrong",
                Severity.MAJOR,
                day.expected_drawer,
                a["expected_drawer_cents"],
                "expected cash in the drawer (opening float plus cash taken)",
            ),
            (
                "over-short-wrong",
                Severity.MAJOR,
                day.over_short,
                a["over_short_cents"],
                "drawer over (+) or short (-)",
            ),
        ]
        return [
            self.finding(
                code, severity, f"The {label} is {usd(want)}, not {usd(to_cents(value))}.", closed.seq
            )
            for code, severity, value, want, label in checks
            if to_cents(value) != want
        ]

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        a, f = case.answer, case.facts
        paid: dict[str, Any] = {"method": f["method"], "amount": a["amount_cents"] / 100}
        if f["method"] == "cash":
            paid |= {"tendered": f["tendered_cents"] / 100, "change_given": a["change_cents"] / 100}
        else:
            paid["card_last4"] = a["card_last4"]
        return [
            ("take_payment", paid),
            ("issue_receipt", {"delivery": "printed"}),
            (
                "close_day",
                {
                    "cash_total": a["cash_total_cents"] / 100,
                    "card_total": a["card_total_cents"] / 100,
                    "check_total": a["check_total_cents"] / 100,
                    "expected_drawer": a["expected_drawer_cents"] / 100,
                    "over_short": a["over_short_cents"] / 100,
                },
            ),
        ]
