"""What every case type shares: the case, the learner's actions, the findings, and the case-type contract."""

import hashlib
import random
import re
from abc import ABC, abstractmethod
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from pathways.errors import BadRequest, describe_errors

# Amounts a learner types: dollars and cents, never negative.
Money = Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=2)]
# Amounts that may be negative (a drawer short).
SignedMoney = Annotated[Decimal, Field(ge=-1_000_000, le=1_000_000, decimal_places=2)]


def _time_of_day(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError("must be a time of day, HH:MM")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


# A time of day as a learner types it, normalised to HH:MM.
TimeOfDay = Annotated[str, AfterValidator(_time_of_day)]


class Severity(StrEnum):
    CRITICAL = "critical"  # safety, privacy or legal: the case fails
    MAJOR = "major"
    MINOR = "minor"


class Finding(BaseModel):
    code: str
    severity: Severity
    message: str
    competency: str | None = None
    step: int | None = None  # the action (event number) it is about, when there is one
    incomplete: bool = False  # the case's required work was not done: it cannot pass


class Case(BaseModel):
    type: str
    seed: int
    title: str
    brief: str  # what the learner is told at the start
    facts: dict[str, Any]  # what the desk shows
    answer: dict[str, Any]  # the correct answer and why; shown only once the case is finished
    hidden: dict[str, Any] = Field(default_factory=dict)  # the simulation's own state, never shown


class Action(BaseModel):
    seq: int
    kind: str
    payload: dict[str, Any]


class Payload(BaseModel):
    # Forms send blanks for untouched fields; treat them as absent.
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class Screened(BaseModel):
    """An action as it may be stored: anything that must never be kept has been removed."""

    payload: dict[str, Any]
    findings: list[Finding] = Field(default_factory=list)


class CaseKind(ABC):
    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]  # the desk panel that works it
    summary: ClassVar[str]
    competencies: ClassVar[tuple[str, ...]]
    target_seconds: ClassVar[int]
    actions: ClassVar[dict[str, type[Payload]]]

    @abstractmethod
    def generate(self, seed: int) -> Case: ...

    @abstractmethod
    def grade(self, case: Case, actions: list[Action]) -> list[Finding]: ...

    @abstractmethod
    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        """The actions a well-trained PSR takes: graded, they find nothing."""

    def missing(self, code: str, message: str, competency: str | None = None) -> Finding:
        found = self.finding(code, Severity.MAJOR, message, competency=competency)
        return found.model_copy(update={"incomplete": True})

    def parse(self, kind: str, raw: dict[str, Any]) -> Payload:
        model = self.actions.get(kind)
        if model is None:
            allowed = ", ".join(sorted(self.actions))
            raise BadRequest(f"A {self.name} case has no action '{kind}'. Actions: {allowed}.")
        try:
            return model.model_validate({k: v for k, v in raw.items() if v not in ("", None)})
        except ValidationError as exc:
            raise BadRequest(describe_errors(exc.errors())) from exc

    def screen(self, case: Case, kind: str, payload: Payload) -> Screened:
        return Screened(payload=payload.model_dump(mode="json"))

    def respond(
        self, case: Case, kind: str, payload: dict[str, Any], history: list[Action]
    ) -> dict[str, Any]:
        """What the simulated desk shows after an action (search results, a payer's reply...)."""
        return {}

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        step: int | None = None,
        competency: str | None = None,
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            message=message,
            step=step,
            competency=competency or self.competencies[0],
        )


def rng_for(code: str, seed: int) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, so it is the same on every run and machine.
    return random.Random(f"{code}:{seed}")  # noqa: S311 - synthetic cases, not secrets


def derived_seed(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1_000_000_000


def last(actions: list[Action], kind: str) -> Action | None:
    found = [a for a in actions if a.kind == kind]
    return found[-1] if found else None


def first(actions: list[Action], kind: str) -> Action | None:
    return next((a for a in actions if a.kind == kind), None)


CENT = Decimal("0.01")


def to_cents(amount: Decimal | str | int | float) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def usd(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def normal_text(value: object) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().upper()


def digits(value: object) -> str:
    return re.sub(r"\D", "", str(value or ""))


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes_of(text: str) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadRequest(f"'{text}' is not a time of day (HH:MM).")
    return int(match.group(1)) * 60 + int(match.group(2))
