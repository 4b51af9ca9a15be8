"""Booking a visit: the right visit type, no constraint broken, and how far from the earliest suitable slot.

New versus established: a patient seen by a provider of the same specialty in this group within the last
three years is established; anyone else is new, and new visits are longer.
"""

import datetime as dt
from typing import Any

from pydantic import Field

from pathways.practice.cases.base import (
    Action,
    Case,
    CaseKind,
    Finding,
    Payload,
    Severity,
    TimeOfDay,
    hhmm,
    last,
    minutes_of,
    rng_for,
)
from pathways.practice.cases.schedule import (
    DAY_END,
    DAY_START,
    GRID,
    VISIT_TYPES,
    Block,
    ProviderDay,
    overlaps,
    within,
)
from pathways.practice.cases.synthetic import PRACTICE_DAY, PROVIDERS, person

SPECIALTY = {code: specialty for code, _, specialty in PROVIDERS}
NAMES = {code: name for code, name, _ in PROVIDERS}
WINDOWS = {"any": (DAY_START, DAY_END), "mornings": (DAY_START, 12 * 60), "afternoons": (13 * 60, DAY_END)}


class Book(Payload):
    provider: str = Field(pattern=r"^P\d$")
    day: dt.date
    start: TimeOfDay
    visit_type: str = Field(pattern=r"^(new-patient|established|new-physical|established-physical)$")


def established(history: list[dict[str, Any]], specialty: str, on: dt.date) -> bool:
    three_years_ago = on.replace(year=on.year - 3)
    return any(
        v["specialty"] == specialty and dt.date.fromisoformat(v["date"]) > three_years_ago for v in history
    )


def violations(facts: dict[str, Any], provider: str, day: str, start: int, minutes: int) -> list[str]:
    found = []
    request = facts["request"]
    if SPECIALTY.get(provider) != request["specialty"]:
        found.append(f"{NAMES.get(provider, provider)} does not see {request['specialty']} patients.")
    if request["provider"] and provider != request["provider"]:
        found.append(f"The patient asked for {NAMES[request['provider']]} only.")
    if day not in request["days"]:
        found.append(f"The patient cannot come on {day}.")
    low, high = WINDOWS[request["window"]]
    if not (low <= start and start + minutes <= high):
        found.append(f"The visit falls outside the patient's window ({request['window']}).")
    column = next((c for c in facts["schedule"] if c["provider"] == provider and c["day"] == day), None)
    if column is None:
        return [*found, "That provider has no clinic that day."]
    column_day = ProviderDay.model_validate(column)
    if not within(start, start + minutes, column_day.hours):
        found.append("The visit runs outside the provider's clinic hours.")
    if overlaps(start, start + minutes, column_day.booked):
        found.append("The visit overlaps an appointment already booked.")
    if start % GRID:
        found.append("Visits start on the 20-minute grid.")
    return found


def earliest(facts: dict[str, Any], minutes: int) -> tuple[str, str, int] | None:
    for day in facts["days"]:
        for start in range(DAY_START, DAY_END, GRID):
            for provider in sorted(SPECIALTY):
                if not violations(facts, provider, day, start, minutes):
                    return day, provider, start
    return None


class Booking(CaseKind):
    code = "booking"
    name = "Book a visit"
    family = "booking"
    summary = "Book the right visit type with the right provider, breaking no constraint, as early as suits."
    competencies = ("scheduling", "time-management")
    target_seconds = 240
    actions = {"book": Book}

    def _schedule(self, rng: Any, days: list[str]) -> list[dict[str, Any]]:
        columns = []
        for day in days:
            for code in ("P1", "P2", "P3"):
                opening = rng.choice(
                    [(8 * 60, 12 * 60), (8 * 60, 16 * 60), (9 * 60, 17 * 60), (13 * 60, 17 * 60)]
                )
                hours = [Block(start=opening[0], end=opening[1])]
                booked, t = [], opening[0]
                while t < opening[1]:
                    length = rng.choice([GRID, 2 * GRID])
                    if rng.random() < 0.7 and t + length <= opening[1]:
                        booked.append(Block(start=t, end=t + length, label=f"Booked ({length} min)"))
                    t += length
                columns.append(ProviderDay(provider=code, day=day, hours=hours, booked=booked).model_dump())
        return columns

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng)
        days = [PRACTICE_DAY.isoformat(), (PRACTICE_DAY + dt.timedelta(days=1)).isoformat()]
        physical = rng.random() < 0.4
        history_kind = rng.choice(["none", "old", "recent-other-provider", "recent-other-specialty"])
        past = {
            "none": [],
            "old": [(4 * 365 + 30, "P1")],
            "recent-other-provider": [(500, "P2")],
            "recent-other-specialty": [(200, "P4")],
        }[history_kind]
        history = [
            {
                "date": (PRACTICE_DAY - dt.timedelta(days=ago)).isoformat(),
                "provider": NAMES[p],
                "specialty": SPECIALTY[p],
            }
            for ago, p in past
        ]
        is_established = established(history, "family-medicine", PRACTICE_DAY)
        visit = ("established" if is_established else "new") + ("-physical" if physical else "")
        visit = "new-patient" if visit == "new" else visit
        minutes = VISIT_TYPES[visit][1]
        for _attempt in range(50):
            request: dict[str, Any] = {
                "reason": "annual physical" if physical else "a visit about blood pressure",
                "specialty": "family-medicine",
                "provider": rng.choice([None, None, "P1"]),
                "window": rng.choice(list(WINDOWS)),
                "days": rng.choice([days, days, days[1:]]),
            }
            facts: dict[str, Any] = {
                "patient": patient.full_name,
                "history": history,
                "days": days,
                "request": request,
                "schedule": self._schedule(rng, days),
                "providers": {c: {"name": n, "specialty": s} for c, n, s in PROVIDERS[:3]},
                "visit_types": VISIT_TYPES,
            }
            best = earliest(facts, minutes)
            if best is not None:
                break
        else:  # pragma: no cover - 50 random schedules without one free slot does not happen
            raise RuntimeError("no bookable schedule generated")
        day, provider, start = best
        seen = "has" if is_established else "has not"
        why = f"{seen} been seen by a family-medicine provider in this group within the last 3 years"
        answer = {
            "visit_type": visit,
            "minutes": minutes,
            "why": f"The patient {why}.",
            "earliest": {"day": day, "provider": provider, "start": hhmm(start)},
        }
        who = f"with {NAMES[request['provider']]} only" if request["provider"] else "with any family doctor"
        when = {"any": "any time", "mornings": "mornings only", "afternoons": "afternoons only"}[
            request["window"]
        ]
        brief = (
            f"{patient.full_name} calls for an appointment: {request['reason']}, {who}, {when}, on "
            f"{' or '.join(request['days'])}. Book the earliest visit that fits."
        )
        return Case(
            type=self.code,
            seed=seed,
            title=f"Book {patient.full_name}",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "book")
        if done is None:
            return [self.missing("not-booked", "No appointment was booked.")]
        given = Book.model_validate(done.payload)
        answer, step = case.answer, done.seq
        findings = []
        if given.visit_type != answer["visit_type"]:
            findings.append(
                self.finding(
                    "visit-type",
                    Severity.MAJOR,
                    f"This is a {VISIT_TYPES[answer['visit_type']][0].lower()}: {answer['why']}",
                    step,
                )
            )
        start = minutes_of(given.start)
        broken = violations(case.facts, given.provider, given.day.isoformat(), start, answer["minutes"])
        findings += [self.finding("constraint", Severity.MAJOR, message, step) for message in broken]
        if not broken:
            best = answer["earliest"]
            days = case.facts["days"]
            late = (days.index(given.day.isoformat()) - days.index(best["day"])) * 24 * 60
            late += start - minutes_of(best["start"])
            if late > 0:
                findings.append(
                    self.finding(
                        "not-earliest",
                        Severity.MINOR,
                        f"The earliest suitable slot was {best['day']} {best['start']} with "
                        f"{NAMES[best['provider']]}; this one is {late} minutes later.",
                        step,
                        "time-management",
                    )
                )
        return findings

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        best = case.answer["earliest"]
        return [
            (
                "book",
                {
                    "provider": best["provider"],
                    "day": best["day"],
                    "start": best["start"],
                    "visit_type": case.answer["visit_type"],
                },
            )
        ]
