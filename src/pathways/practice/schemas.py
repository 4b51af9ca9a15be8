import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from pathways.practice.case_seeds import FREE_SEED_LIMIT


class CaseTypeOut(BaseModel):
    code: str
    name: str
    summary: str
    competencies: list[str]
    target_seconds: int
    actions: list[str]


class StartAttemptIn(BaseModel):
    case_type: str = Field(min_length=1, max_length=40)
    # Free practice only; a set's cases are drawn by the server from the set's secret.
    seed: int | None = Field(default=None, ge=0, lt=FREE_SEED_LIMIT)
    set_id: int | None = Field(default=None, ge=1)
    index: int | None = Field(default=None, ge=0, le=9)


class ActionIn(BaseModel):
    kind: str = Field(min_length=1, max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict)


class FindingOut(BaseModel):
    code: str
    severity: str
    message: str
    competency: str | None
    step: int | None


class EventOut(BaseModel):
    seq: int
    kind: str
    payload: dict[str, Any]
    response: dict[str, Any]
    at: dt.datetime


class ScoreOut(BaseModel):
    attempt_id: int
    score: int
    passed: bool
    critical: int
    major: int
    minor: int
    elapsed_seconds: int
    findings: list[FindingOut]


class CaseOut(BaseModel):
    type: str
    seed: int | None  # free practice only: a set case's seed would give its answer away
    title: str
    brief: str
    facts: dict[str, Any]
    answer: dict[str, Any] | None  # only once the case is finished


class AttemptSummaryOut(BaseModel):
    id: int
    case_type: str
    case_seed: int | None  # free practice only, as CaseOut.seed
    set_id: int | None
    case_index: int | None
    attempt_number: int | None  # a set case: 1 for the first case drawn, 2 for the retry's new case...
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    score: int | None
    passed: bool | None


class AttemptOut(AttemptSummaryOut):
    employee_number: str
    case: CaseOut
    events: list[EventOut]


class ReplayStepOut(BaseModel):
    seq: int
    kind: str
    seconds: int
    payload: dict[str, Any]
    response: dict[str, Any]
    findings: list[dict[str, Any]]


class ReplayOut(BaseModel):
    attempt_id: int
    learner: str
    case_type: str
    status: str
    steps: list[ReplayStepOut]


class SetOut(BaseModel):
    id: int
    name: str
    case_types: list[str]
    cases_per_type: int
    level: int
    members: int
    created_at: dt.datetime | None


class CaseResultOut(BaseModel):
    case_type: str
    name: str
    index: int
    attempts: int
    passed: int
    mean_score: int | None


class ErrorResultOut(BaseModel):
    code: str
    severity: str
    case_type: str
    count: int
    example: str


class LearnerResultOut(BaseModel):
    employee_number: str
    name: str
    cases: int
    done: int
    passed: int
    passed_on: dt.date | None
    attempt_ids: list[int]


class SetResultsOut(BaseModel):
    set: SetOut
    by_case: list[CaseResultOut]
    by_error: list[ErrorResultOut]
    by_learner: list[LearnerResultOut]


class EvidenceStandingOut(BaseModel):
    """One competency's practice-evidence rule and how far the learner is from it."""

    competency: str
    name: str
    required_cases: int
    required_case_types: int
    why: str
    practised_by: list[str]
    passed_cases: int
    passed_case_types: list[str]
    level: int  # what practice evidences by the rule; 0: not yet
    cases_short: int
    case_types_short: int
