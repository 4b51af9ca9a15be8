"""A frustrated patient: a short dialogue whose replies are scored for composure, listening and informing."""

from typing import Any

from pydantic import Field

from pathways.practice.cases.base import Action, Case, CaseKind, Finding, Payload, Severity, rng_for
from pathways.practice.cases.dialogue import DIALOGUES, REACTIONS
from pathways.practice.cases.synthetic import person

LETTERS = "ABCD"


class Reply(Payload):
    turn: int = Field(ge=1, le=3)
    option: str = Field(pattern=r"^[ABCD]$")


class FrustratedPatient(CaseKind):
    code = "frustrated-patient"
    name = "A frustrated patient"
    family = "frustrated-patient"
    summary = "Calm a frustrated patient in a short conversation: composure, listening and informing."
    competencies = ("composure", "listening", "informing")
    target_seconds = 180
    actions = {"reply": Reply}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        key = sorted(DIALOGUES)[rng.randrange(len(DIALOGUES))]
        setting, turns = DIALOGUES[key]
        shown, scoring = [], []
        for number, (line, options) in enumerate(turns, start=1):
            order = list(range(len(options)))
            rng.shuffle(order)
            shown.append(
                {
                    "turn": number,
                    "patient": line,
                    "options": [{"key": LETTERS[i], "text": options[o][0]} for i, o in enumerate(order)],
                }
            )
            scoring.append(
                {
                    LETTERS[i]: {"severity": options[o][1], "competency": options[o][2], "why": options[o][3]}
                    for i, o in enumerate(order)
                }
            )
        facts: dict[str, Any] = {"scenario": key, "patient": patient.full_name, "turns": shown}
        best = [next(k for k, v in turn.items() if v["severity"] is None) for turn in scoring]
        return Case(
            type=self.code,
            seed=seed,
            title=f"Talking with {patient.first}",
            brief=setting.format(name=patient.full_name) + " Choose your reply at each turn.",
            facts=facts,
            answer={"scoring": scoring, "best": best},
        )

    def respond(
        self, case: Case, kind: str, payload: dict[str, Any], history: list[Action]
    ) -> dict[str, Any]:
        scored = case.answer["scoring"][payload["turn"] - 1].get(payload["option"])
        return {"reaction": REACTIONS[scored["severity"]]} if scored else {}

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        findings = []
        for number, scoring in enumerate(case.answer["scoring"], start=1):
            replies = [a for a in actions if a.kind == "reply" and a.payload["turn"] == number]
            if not replies:
                findings.append(
                    self.missing(
                        "left-unfinished", f"Turn {number} of the conversation was not answered.", "informing"
                    )
                )
                continue
            chosen = replies[-1]
            scored = scoring[chosen.payload["option"]]
            if scored["severity"]:
                findings.append(
                    self.finding(
                        f"reply-{scored['severity']}",
                        Severity(scored["severity"]),
                        f"Turn {number}: {scored['why']}",
                        chosen.seq,
                        scored["competency"],
                    )
                )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        return [("reply", {"turn": n, "option": key}) for n, key in enumerate(case.answer["best"], start=1)]
