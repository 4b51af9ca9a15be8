"""A finished case as a worksheet: each step a well-trained PSR takes, beside what the learner entered.

The model answer used to be shown as JSON; a learner reads it as a form filled in twice, field by field, with
the fields that differ marked (issue 15). Pure: it takes the case type, the case and the learner's actions.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pathways.practice.cases.base import Action, Case, CaseKind

NOT_ENTERED = "not entered"


def label(key: str) -> str:
    """A payload or answer key as words: "expected_drawer_cents" reads "Expected drawer"."""
    words = key.removesuffix("_cents").replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def readable(value: Any) -> str:
    """Any value a case holds, as a sentence fragment: never braces, brackets or quotes."""
    if value is None or value == "" or value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        if all(isinstance(item, dict) for item in value):
            return " | ".join(readable(item) for item in value)
        return ", ".join(readable(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Line:
    field: str
    model: str
    learner: str

    @property
    def matches(self) -> bool:
        return _comparable(self.model) == _comparable(self.learner)


def _comparable(text: str) -> object:
    # "25", "25.0" and "25.00" are the same amount; any other text compares without case.
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text.casefold()


@dataclass(frozen=True)
class Step:
    title: str
    done: bool  # the learner took this step at all
    lines: list[Line]


def _same_kind(actions: list[Action], kind: str, nth: int) -> dict[str, Any] | None:
    """The learner's nth action of this kind (the last one if they took it fewer times)."""
    found = [a.payload for a in actions if a.kind == kind]
    if not found:
        return None
    return found[min(nth, len(found) - 1)]


def worksheet(kind: CaseKind, case: Case, actions: list[Action]) -> list[Step]:
    steps = []
    seen: dict[str, int] = {}
    for action_kind, model in kind.model_answer(case):
        nth = seen.get(action_kind, 0)
        seen[action_kind] = nth + 1
        mine = _same_kind(actions, action_kind, nth)
        keys = list(model) + [k for k in (mine or {}) if k not in model]
        lines = [
            Line(
                field=label(key),
                model=readable(model.get(key)) if key in model else "not needed",
                learner=readable((mine or {}).get(key)) if mine is not None and key in mine else NOT_ENTERED,
            )
            for key in keys
        ]
        steps.append(Step(title=label(action_kind), done=mine is not None, lines=lines))
    return steps


def answer_notes(case: Case) -> list[tuple[str, str]]:
    """The case's answer and its reasons (what the worksheet's values rest on), in words."""
    notes = []
    for key, value in case.answer.items():
        text = readable(value / 100 if key.endswith("_cents") and isinstance(value, int) else value)
        notes.append((label(key), text))
    return notes
