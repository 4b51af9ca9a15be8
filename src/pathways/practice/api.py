"""/api/v1/practice: case types, attempts (start, act, finish, score, replay) and trainers' practice sets."""

from fastapi import APIRouter, Response

from pathways.auth.dependencies import CurrentUser
from pathways.auth.permissions import can_train, ensure, owns_practice_set
from pathways.badges.routes import BadgeAwarder
from pathways.deps import DbSession
from pathways.practice import editing, evidence, service, sets
from pathways.practice.cases import CASE_KINDS
from pathways.practice.models import PracticeAttempt, PracticeSet
from pathways.practice.schemas import (
    ActionIn,
    AttemptOut,
    AttemptSummaryOut,
    CaseOut,
    CaseResultOut,
    CaseTypeOut,
    ErrorResultOut,
    EventOut,
    EvidenceStandingOut,
    FindingOut,
    LearnerResultOut,
    ReplayOut,
    ReplayStepOut,
    ScoreOut,
    SetOut,
    SetResultsOut,
    StartAttemptIn,
)
from pathways.routing import CSRF

router = APIRouter(prefix="/api/v1/practice", tags=["practice"])


def summary(attempt: PracticeAttempt) -> AttemptSummaryOut:
    out = AttemptSummaryOut.model_validate(attempt, from_attributes=True)
    return out if attempt.set_id is None else out.model_copy(update={"case_seed": None})


def attempt_out(attempt: PracticeAttempt) -> AttemptOut:
    case = dict(attempt.snapshot)
    if attempt.status != "finished":
        case["answer"] = None
    if attempt.set_id is not None:
        case["seed"] = None  # with the public generators a seed is the answer
    return AttemptOut(
        **summary(attempt).model_dump(),
        employee_number=attempt.employee.employee_number,
        case=CaseOut.model_validate(case),
        events=[EventOut.model_validate(e, from_attributes=True) for e in attempt.events],
    )


def score_out(attempt: PracticeAttempt) -> ScoreOut:
    result = service.score_of(attempt)
    findings = [FindingOut.model_validate(f, from_attributes=True) for f in attempt.findings]
    return ScoreOut(attempt_id=attempt.id, findings=findings, **result.model_dump())


def set_out(practice_set: PracticeSet) -> SetOut:
    return SetOut(
        id=practice_set.id,
        name=practice_set.name,
        case_types=practice_set.case_types,
        cases_per_type=practice_set.cases_per_type,
        level=practice_set.level,
        members=len(practice_set.members),
        created_at=practice_set.created_at,
    )


@router.get("/case-types", response_model=list[CaseTypeOut])
def case_types(user: CurrentUser) -> list[CaseTypeOut]:
    return [
        CaseTypeOut(
            code=k.code,
            name=k.name,
            summary=k.summary,
            competencies=list(k.competencies),
            target_seconds=k.target_seconds,
            actions=sorted(k.actions),
        )
        for k in CASE_KINDS.values()
    ]


@router.post("/attempts", response_model=AttemptOut, status_code=201, dependencies=CSRF)
def start(body: StartAttemptIn, session: DbSession, user: CurrentUser) -> AttemptOut:
    employee_id = service.learner_id(user)
    attempt = service.start_attempt(
        session, employee_id, body.case_type, seed=body.seed, set_id=body.set_id, index=body.index
    )
    return attempt_out(service.get_attempt(session, attempt.id))


@router.get("/attempts", response_model=list[AttemptSummaryOut])
def my_attempts(session: DbSession, user: CurrentUser) -> list[AttemptSummaryOut]:
    return [summary(a) for a in service.attempts_of(session, service.learner_id(user))]


@router.get("/attempts/{attempt_id}", response_model=AttemptOut)
def get_attempt(attempt_id: int, session: DbSession, user: CurrentUser) -> AttemptOut:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    return attempt_out(attempt)


@router.post("/attempts/{attempt_id}/actions", response_model=EventOut, status_code=201, dependencies=CSRF)
def submit_action(attempt_id: int, body: ActionIn, session: DbSession, user: CurrentUser) -> EventOut:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    service.ensure_own_open(user, attempt)
    event = service.act(session, attempt, body.kind, body.payload)
    return EventOut.model_validate(event, from_attributes=True)


@router.post("/attempts/{attempt_id}/finish", response_model=ScoreOut, dependencies=CSRF)
def finish(attempt_id: int, session: DbSession, user: CurrentUser, award: BadgeAwarder) -> ScoreOut:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    service.ensure_own_open(user, attempt)
    service.finish(session, attempt)
    if attempt.set_id is not None:  # a passed set may record practice evidence, which may earn a level
        award(attempt.employee_id)
    return score_out(attempt)


@router.get("/attempts/{attempt_id}/score", response_model=ScoreOut)
def get_score(attempt_id: int, session: DbSession, user: CurrentUser) -> ScoreOut:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    return score_out(attempt)


@router.get("/attempts/{attempt_id}/replay", response_model=ReplayOut)
def get_replay(attempt_id: int, session: DbSession, user: CurrentUser) -> ReplayOut:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    return ReplayOut(
        attempt_id=attempt.id,
        learner=attempt.employee.name,
        case_type=attempt.case_type,
        status=attempt.status,
        steps=[ReplayStepOut.model_validate(step) for step in service.replay(attempt)],
    )


@router.get("/evidence", response_model=list[EvidenceStandingOut])
def my_evidence(session: DbSession, user: CurrentUser) -> list[EvidenceStandingOut]:
    return [
        EvidenceStandingOut(
            competency=s.rule.competency,
            name=s.rule.name,
            required_cases=s.rule.cases,
            required_case_types=s.rule.case_types,
            why=s.rule.why,
            practised_by=list(s.rule.practised_by),
            passed_cases=s.cases,
            passed_case_types=list(s.types),
            level=s.level,
            cases_short=s.cases_short,
            case_types_short=s.types_short,
        )
        for s in evidence.standings(session, service.learner_id(user))
    ]


@router.get("/sets", response_model=list[SetOut])
def list_sets(session: DbSession, user: CurrentUser) -> list[SetOut]:
    if can_train(user):
        return [set_out(s) for s in sets.sets_for_trainer(session, user)]
    return [set_out(s) for s in sets.assigned_sets(session, service.learner_id(user))]


@router.post("/sets", response_model=SetOut, status_code=201, dependencies=CSRF)
def create_set(body: sets.NewSet, session: DbSession, user: CurrentUser) -> SetOut:
    return set_out(sets.load_set(session, sets.create_set(session, user, body).id))


@router.get("/sets/{set_id}", response_model=SetOut)
def get_set(set_id: int, session: DbSession, user: CurrentUser) -> SetOut:
    practice_set = sets.load_set(session, set_id)
    member = user.employee_id in {m.employee_id for m in practice_set.members}
    owner = owns_practice_set(user, practice_set.created_by_user_id)
    ensure(member or owner, "This practice set is not assigned to you.")
    return set_out(practice_set)


@router.patch("/sets/{set_id}", response_model=SetOut, dependencies=CSRF)
def update_set(set_id: int, body: editing.SetChanges, session: DbSession, user: CurrentUser) -> SetOut:
    editing.update_set(session, user, set_id, body)
    return set_out(sets.load_set(session, set_id))


@router.delete("/sets/{set_id}", status_code=204, response_class=Response, dependencies=CSRF)
def delete_set(set_id: int, session: DbSession, user: CurrentUser) -> Response:
    editing.delete_set(session, user, set_id)
    return Response(status_code=204)


@router.get("/sets/{set_id}/results", response_model=SetResultsOut)
def set_results(set_id: int, session: DbSession, user: CurrentUser) -> SetResultsOut:
    practice_set = sets.set_for_trainer(session, user, set_id)
    found = sets.results(session, practice_set)
    return SetResultsOut(
        set=set_out(practice_set),
        by_case=[CaseResultOut.model_validate(row) for row in found["by_case"]],
        by_error=[ErrorResultOut.model_validate(row) for row in found["by_error"]],
        by_learner=[
            LearnerResultOut(
                **{k: v for k, v in row.items() if k in LearnerResultOut.model_fields},
                attempt_ids=[a.id for a in row["attempts"]],
            )
            for row in found["by_learner"]
        ],
    )
