"""A cancellation or a no-show, then the freed time back-filled from the wait list.

Rules: a patient who called to cancel is 'cancelled'; one who has not arrived 15 minutes after the start is a
'no-show' (the practice's policy), and only the rest of that slot is still usable. A wait-list patient fits
when their visit is no longer than the time left, they want this provider (or any), and they can be here by
then. Among those who fit: urgent first, then the longest waiting. If no one fits, the slot stays open.
"""

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Payload,
    Severity,
    hhmm,
    last,
    rng_for,
)
from pathways.practice.cases.synthetic import PRACTICE_DAY, PROVIDERS, person

NO_SHOW_GRACE = 15
NAMES = {code: name for code, name, _ in PROVIDERS}


class Mark(Payload):
    status: Literal["cancelled", "no-show"]


class Backfill(Payload):
    waitlist_id: str = Field(pattern=r"^(W\d|none)$")


def usable(facts: dict[str, Any]) -> tuple[int, int]:
    slot = facts["slot"]
    start = slot["start"] + (NO_SHOW_GRACE if facts["event"] == "no-show" else 0)
    return start, slot["start"] + slot["minutes"]


def fits(facts: dict[str, Any], entry: dict[str, Any]) -> bool:
    start, end = usable(facts)
    return (
        entry["minutes"] <= end - start
        and entry["provider"] in (None, facts["slot"]["provider"])
        and entry["can_arrive_by"] <= start
    )


def best_candidate(facts: dict[str, Any]) -> str:
    candidates = [e for e in facts["waitlist"] if fits(facts, e)]
    if not candidates:
        return "none"
    return min(candidates, key=lambda e: (not e["urgent"], e["added"]))["id"]


class WaitlistBackfill(CaseKind):
    code = "backfill"
    name = "Cancellation and wait list"
    family = "backfill"
    summary = "Record a cancellation or no-show correctly and back-fill the slot from the wait list."
    competencies = ("scheduling", "decision-quality")
    target_seconds = 180
    actions = {"mark_status": Mark, "backfill": Backfill}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        provider = rng.choice(["P1", "P2"])
        event = rng.choice(["cancelled", "no-show"])
        slot: dict[str, Any] = {
            "provider": provider,
            "start": rng.choice([9, 10, 11, 14, 15]) * 60,
            "minutes": rng.choice([40, 60]),
        }
        waitlist = []
        for number in range(1, 6):
            other = person(rng)
            arrive = slot["start"] - rng.choice([60, 30, 10, 0, -20])
            waitlist.append(
                {
                    "id": f"W{number}",
                    "name": other.full_name,
                    "minutes": rng.choice([20, 40, 60]),
                    "provider": rng.choice([None, None, "P1", "P2"]),
                    "urgent": rng.random() < 0.3,
                    "added": (PRACTICE_DAY - dt.timedelta(days=rng.randint(1, 40))).isoformat(),
                    "can_arrive_by": arrive,
                }
            )
        facts: dict[str, Any] = {
            "patient": patient.full_name,
            "event": event,
            "slot": slot,
            "waitlist": waitlist,
            "provider_name": NAMES[provider],
            "providers": {p: NAMES[p] for p in ("P1", "P2")},
        }
        what = (
            "calls at 8:00 to cancel"
            if event == "cancelled"
            else f"has not arrived; it is now {hhmm(slot['start'] + NO_SHOW_GRACE)}"
        )
        start, end = usable(facts)
        answer = {
            "status": event,
            "waitlist_id": best_candidate(facts),
            "usable": f"{hhmm(start)}-{hhmm(end)}",
        }
        brief = (
            f"{patient.full_name} has a {slot['minutes']}-minute visit with {NAMES[provider]} at "
            f"{hhmm(slot['start'])} today and {what}. Record it and fill the time from the wait list."
        )
        return Case(
            type=self.code,
            seed=seed,
            title=f"Back-fill {hhmm(slot['start'])} with {NAMES[provider]}",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        findings = []
        marked = last(actions, "mark_status")
        if marked is None:
            findings.append(
                self.finding(
                    "status-missing",
                    Severity.MINOR,
                    "The missed appointment was not recorded as cancelled or no-show.",
                )
            )
        elif marked.payload["status"] != case.answer["status"]:
            findings.append(
                self.finding(
                    "status-wrong",
                    Severity.MINOR,
                    f"This appointment is a {case.answer['status']}, which the no-show policy counts "
                    "differently.",
                    marked.seq,
                )
            )
        chosen = last(actions, "backfill")
        if chosen is None:
            return [*findings, self.missing("not-backfilled", "The wait list was not used.")]
        pick, want = chosen.payload["waitlist_id"], case.answer["waitlist_id"]
        entry = next((e for e in case.facts["waitlist"] if e["id"] == pick), None)
        if pick == want:
            return findings
        if pick != "none" and (entry is None or not fits(case.facts, entry)):
            findings.append(
                self.finding(
                    "does-not-fit",
                    Severity.MAJOR,
                    f"{entry['name'] if entry else pick} does not fit the time left "
                    f"({case.answer['usable']}): too long a visit, another provider, or cannot be here in "
                    "time.",
                    chosen.seq,
                )
            )
        elif pick == "none":
            findings.append(
                self.finding(
                    "slot-wasted",
                    Severity.MINOR,
                    "Someone on the wait list fits; the slot was left empty.",
                    chosen.seq,
                )
            )
        else:
            findings.append(
                self.finding(
                    "wrong-priority",
                    Severity.MINOR,
                    "Another patient who fits comes first: urgent patients, then the longest waiting.",
                    chosen.seq,
                    "decision-quality",
                )
            )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        return [
            ("mark_status", {"status": case.answer["status"]}),
            ("backfill", {"waitlist_id": case.answer["waitlist_id"]}),
        ]
