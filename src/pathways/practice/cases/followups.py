"""Follow-ups across departments on one day: a feasible sequence, and the patient's waiting against the
optimum.

Constraints: each appointment starts at one of its department's open times; the patient is in one place at a
time; the lab draw is at least 60 minutes before the specialist visit (results must be back), and any imaging
or ECG is done before the visit. Waiting = time from the first start to the last end, less the time spent in
appointments. CP-SAT finds the least waiting; the learner's sequence is compared with it.
"""

from itertools import pairwise
from typing import Any

from ortools.sat.python import cp_model

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
from pathways.practice.cases.synthetic import person

RESULTS_LEAD = 60
DEPARTMENTS = {
    "lab": ("Lab draw (fasting)", 15),
    "imaging": ("Ultrasound, imaging department", 30),
    "ecg": ("ECG, cardiology testing", 15),
    "visit": ("Specialist visit, cardiology", 30),
}


class Schedule(Payload):
    lab: TimeOfDay | None = None
    imaging: TimeOfDay | None = None
    ecg: TimeOfDay | None = None
    visit: TimeOfDay | None = None


def waiting(starts: dict[str, int], minutes: dict[str, int]) -> int:
    first = min(starts.values())
    end = max(starts[k] + minutes[k] for k in starts)
    return end - first - sum(minutes[k] for k in starts)


def problems(starts: dict[str, int], facts: dict[str, Any]) -> list[str]:
    minutes = {k: a["minutes"] for k, a in facts["appointments"].items()}
    found = [
        f"{DEPARTMENTS[k][0]} is not open at {hhmm(starts[k])}."
        for k in starts
        if starts[k] not in facts["appointments"][k]["options"]
    ]
    ordered = sorted(starts, key=lambda k: starts[k])
    for a, b in pairwise(ordered):
        if starts[a] + minutes[a] > starts[b]:
            found.append(f"{DEPARTMENTS[a][0]} and {DEPARTMENTS[b][0]} overlap.")
    visit = starts["visit"]
    if starts["lab"] + minutes["lab"] + RESULTS_LEAD > visit:
        found.append("The lab draw must end at least 60 minutes before the visit so the results are back.")
    for test in ("imaging", "ecg"):
        if test in starts and starts[test] + minutes[test] > visit:
            found.append(f"The {DEPARTMENTS[test][0]} must be done before the visit.")
    return found


def optimum(facts: dict[str, Any]) -> tuple[int, dict[str, int]] | None:
    appointments = facts["appointments"]
    model = cp_model.CpModel()
    starts, ends, intervals = {}, {}, []
    for key, item in appointments.items():
        options = item["options"]
        start = model.new_int_var_from_domain(cp_model.Domain.from_values(options), f"start_{key}")
        end = model.new_int_var(0, 24 * 60, f"end_{key}")
        intervals.append(model.new_interval_var(start, item["minutes"], end, f"at_{key}"))
        starts[key], ends[key] = start, end
    model.add_no_overlap(intervals)
    model.add(ends["lab"] + RESULTS_LEAD <= starts["visit"])
    for test in ("imaging", "ecg"):
        if test in appointments:
            model.add(ends[test] <= starts["visit"])
    first = model.new_int_var(0, 24 * 60, "first")
    finish = model.new_int_var(0, 24 * 60, "finish")
    model.add_min_equality(first, list(starts.values()))
    model.add_max_equality(finish, list(ends.values()))
    model.minimize(finish - first)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # one worker: the same answer on every run
    solver.parameters.max_time_in_seconds = 10
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    chosen = {k: int(solver.value(v)) for k, v in starts.items()}
    return waiting(chosen, {k: a["minutes"] for k, a in appointments.items()}), chosen


class FollowUps(CaseKind):
    code = "followups"
    name = "Follow-ups across departments"
    family = "followups"
    summary = "Sequence a lab draw, tests and a specialist visit on one day with the least waiting."
    competencies = ("scheduling", "time-management")
    target_seconds = 300
    actions = {"schedule": Schedule}

    def generate(self, seed: int) -> Case:
        rng = rng_for(self.code, seed)
        patient = person(rng, 40, 80)
        keys = ["lab", *[k for k in ("imaging", "ecg") if rng.random() < 0.6], "visit"]
        for _attempt in range(50):
            appointments = {}
            for key in keys:
                if key == "lab":
                    options = list(range(7 * 60, 10 * 60 + 1, 15))
                else:
                    low, high = (9, 16) if key == "visit" else (8, 14)
                    options = sorted(rng.sample(range(low * 60, high * 60, 15), 4))
                appointments[key] = {
                    "name": DEPARTMENTS[key][0],
                    "minutes": DEPARTMENTS[key][1],
                    "options": options,
                }
            facts: dict[str, Any] = {"patient": patient.full_name, "appointments": appointments}
            best = optimum(facts)
            if best is not None:
                break
        else:  # pragma: no cover
            raise RuntimeError("no feasible follow-up day generated")
        least, plan = best
        answer = {
            "waiting": least,
            "plan": {k: hhmm(v) for k, v in sorted(plan.items(), key=lambda kv: kv[1])},
        }
        brief = (
            f"{patient.full_name} needs these follow-ups on the same day: "
            f"{', '.join(DEPARTMENTS[k][0] for k in keys)}. Choose a time for each so everything can be done "
            "and the patient waits as little as possible between appointments."
        )
        return Case(
            type=self.code,
            seed=seed,
            title=f"Follow-up day for {patient.full_name}",
            brief=brief,
            facts=facts,
            answer=answer,
        )

    def grade(self, case: Case, actions: list[Action]) -> list[Finding]:
        done = last(actions, "schedule")
        if done is None:
            return [self.missing("not-scheduled", "The follow-ups were not scheduled.")]
        wanted = case.facts["appointments"]
        missing = [k for k in wanted if not done.payload.get(k)]
        if missing:
            return [
                self.missing(
                    "missing-appointment",
                    f"No time chosen for: {', '.join(DEPARTMENTS[k][0] for k in missing)}.",
                )
            ]
        starts = {k: minutes_of(done.payload[k]) for k in wanted}
        broken = problems(starts, case.facts)
        if broken:
            return [self.finding("infeasible", Severity.MAJOR, message, done.seq) for message in broken]
        waited = waiting(starts, {k: a["minutes"] for k, a in wanted.items()})
        extra = waited - case.answer["waiting"]
        if extra > 0:
            return [
                self.finding(
                    "extra-waiting",
                    Severity.MINOR,
                    f"The patient waits {waited} minutes in all; {case.answer['waiting']} was possible "
                    f"({extra} minutes more).",
                    done.seq,
                    "time-management",
                )
            ]
        return []

    def model_answer(self, case: Case) -> list[tuple[str, dict[str, Any]]]:
        return [("schedule", dict(case.answer["plan"]))]
