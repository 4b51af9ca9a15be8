"""Patient responsibility for a visit, to the cent, with an explanation a patient can follow.

Applied to the allowed amount A: deductible part = min(A, deductible remaining); coinsurance = rate x (A -
deductible part), rounded half-up to the cent; the visit costs the patient their sum, capped at the
out-of-pocket remaining. A copay plan charges a fixed copay instead; where the plan says the copay applies
after the deductible, the deductible part comes first and the copay applies to what is left.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Money,
    Payload,
    Severity,
    last,
    rng_for,
    to_cents,
    usd,
)
from pathways.practice.cases.synthetic import payer, person


class Plan(BaseModel):
    kind: Literal["coinsurance", "copay"]
    coinsurance_rate: Decimal = Decimal(0)
    copay_cents: int = 0
    copay_after_deductible: bool = False


class Responsibility(BaseModel):
    deductible_part: int
    coinsurance: int
    copay: int
    before_cap: int
    visit: int
    capped: bool
    prior_balance: int
    total: int
    explanation: list[str]


def coinsurance_of(rate: Decimal, cents: int) -> int:
    return int((rate * cents).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def responsibility(
    allowed: int, plan: Plan, deductible_remaining: int, oop_remaining: int, prior_balance: int = 0
) -> Responsibility:
    lines = [f"The plan's allowed amount for today's visit is {usd(allowed)}."]
    deductible = coinsurance = copay = 0
    if plan.kind == "coinsurance" or plan.copay_after_deductible:
        deductible = min(allowed, deductible_remaining)
        if deductible:
            lines.append(
                f"{usd(deductible)} of it goes to your deductible (you had {usd(deductible_remaining)} left "
                "to meet this year)."
            )
        else:
            lines.append("Your deductible is already met, so none of it goes to the deductible.")
    rest = allowed - deductible
    if plan.kind == "coinsurance":
        coinsurance = coinsurance_of(plan.coinsurance_rate, rest)
        percent = f"{(plan.coinsurance_rate * 100).normalize():f}%"
        lines.append(f"You pay {percent} of the remaining {usd(rest)} as coinsurance: {usd(coinsurance)}.")
    elif rest > 0:
        copay = min(plan.copay_cents, rest)
        lines.append(f"Your plan's copay for this visit is {usd(copay)}.")
    before_cap = deductible + coinsurance + copay
    visit = min(before_cap, oop_remaining)
    if visit < before_cap:
        lines.append(
            f"That would be {usd(before_cap)}, but you only have {usd(oop_remaining)} left before your "
            f"out-of-pocket maximum, so today's visit costs you {usd(visit)}."
        )
    else:
        lines.append(f"Today's visit costs you {usd(visit)}.")
    if prior_balance:
        lines.append(
            f"With your earlier balance of {usd(prior_balance)}, the total due today is "
            f"{usd(visit + prior_balance)}."
        )
    return Responsibility(
        deductible_part=deductible,
        coinsurance=coinsurance,
        copay=copay,
        before_cap=before_cap,
        visit=visit,
        capped=visit < before_cap,
        prior_balance=prior_balance,
        total=visit + prior_balance,
        explanation=lines,
    )


class Answer(Payload):
    deductible_part: Money
    coinsurance: Money = Decimal(0)
    copay: Money = Decimal(0)
    visit_amount: Money
    prior_balance: Money = Decimal(0)
    total_due: Money
    explanation: str  # which of the offered explanations the learner would give the patient


class CostSharing(CaseKind):
    code = "cost-sharing"
    name = "Patient responsibility"
    family = "cost-sharing"
    summary = "Work out what the patient owes today, to the cent, and explain it so they can follow."
    competencies = ("payment-collection", "informing")
    target_seconds = 240
    actions = {"answer": Answer}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        _, payer_name = payer(rng)
        allowed = rng.choice([9500, 14000, 18500, 20000, 26000, 32000, 41000])
        if rng.random() < 0.55:
            plan = Plan(kind="coinsurance", coinsurance_rate=Decimal(rng.choice(["0.1", "0.2", "0.3"])))
        else:
            plan = Plan(
                kind="copay",
                copay_cents=rng.choice([2000, 3000, 4500]),
                copay_after_deductible=rng.random() < 0.5,
            )
        deductible_remaining = rng.choice([0, 5000, 15000, 25000, 60000])
        # Payments toward the deductible count toward the out-of-pocket maximum too (payer.py), so what is
        # left of the maximum is never less than what is left of the deductible.
        oop_remaining = rng.choice([o for o in (2500, 10000, 40000, 150000) if o >= deductible_remaining])
        prior = rng.choice([0, 0, 3500, 7250])
        result = responsibility(allowed, plan, deductible_remaining, oop_remaining, prior)
        plan_text = (
            f"{(plan.coinsurance_rate * 100).normalize():f}% coinsurance after the deductible"
            if plan.kind == "coinsurance"
            else f"{usd(plan.copay_cents)} copay"
            + (
                " (applies after the deductible)"
                if plan.copay_after_deductible
                else " (deductible does not apply)"
            )
        )
        facts: dict[str, Any] = {
            "patient": patient.full_name,
            "payer": payer_name,
            "allowed_cents": allowed,
            "plan": plan.model_dump(mode="json"),
            "plan_text": plan_text,
            "deductible_remaining_cents": deductible_remaining,
            "oop_remaining_cents": oop_remaining,
            "prior_balance_cents": prior,
            "explanations": self._explanations(rng),
        }
        return Case(
            type=self.code,
            seed=seed,
            title=f"What does {patient.first} owe today?",
            brief=f"{patient.full_name} is checking out after an office visit. Work out the amount due today "
            "and choose how you would explain it.",
            facts=facts,
            answer=result.model_dump(),
        )

    @staticmethod
    def _explanations(rng: Any) -> list[dict[str, str]]:
        # Reasoning only, no amounts: the amounts are what the learner works out.
        options = [
            {
                "key": "rules",
                "text": "What the plan allows first goes toward the deductible you have left; then "
                "you pay your share of the rest (your coinsurance or copay); you never pay more than what "
                "is left of this year's out-of-pocket maximum; and any earlier balance is added.",
            },
            {
                "key": "coinsurance-first",
                "text": "Your coinsurance is taken from the whole bill first, and the "
                "deductible comes out of what is left; any earlier balance is added.",
            },
            {
                "key": "vague",
                "text": "That is just what the system says you owe today; billing can explain it "
                "if you call them.",
            },
        ]
        rng.shuffle(options)
        return options

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "answer")
        if done is None:
            return [self.missing("no-answer", "No amount was worked out.")]
        given = Answer.model_validate(done.payload)
        expected = Responsibility.model_validate(case.answer)
        step = done.seq
        findings = []
        if to_cents(given.total_due) != expected.total:
            findings.append(
                self.finding(
                    "total-wrong",
                    Severity.MAJOR,
                    f"The total due is {usd(expected.total)}, not {usd(to_cents(given.total_due))}.",
                    step,
                )
            )
        parts = [
            ("deductible_part", given.deductible_part, expected.deductible_part, "deductible part"),
            ("coinsurance", given.coinsurance, expected.coinsurance, "coinsurance"),
            ("copay", given.copay, expected.copay, "copay"),
            ("visit_amount", given.visit_amount, expected.visit, "visit amount after the out-of-pocket cap"),
            ("prior_balance", given.prior_balance, expected.prior_balance, "prior balance"),
        ]
        for key, value, want, label in parts:
            if to_cents(value) != want:
                findings.append(
                    self.finding(
                        f"{key.replace('_', '-')}-wrong",
                        Severity.MINOR,
                        f"The {label} is {usd(want)}, not {usd(to_cents(value))}.",
                        step,
                    )
                )
        if given.explanation != "rules":
            findings.append(
                self.finding(
                    "explanation-unclear",
                    Severity.MINOR,
                    "The explanation chosen does not walk the patient through deductible, coinsurance or "
                    "copay and the out-of-pocket cap.",
                    step,
                    "informing",
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        a = case.answer
        return [
            (
                "answer",
                {
                    "deductible_part": a["deductible_part"] / 100,
                    "coinsurance": a["coinsurance"] / 100,
                    "copay": a["copay"] / 100,
                    "visit_amount": a["visit"] / 100,
                    "prior_balance": a["prior_balance"] / 100,
                    "total_due": a["total"] / 100,
                    "explanation": "rules",
                },
            )
        ]
