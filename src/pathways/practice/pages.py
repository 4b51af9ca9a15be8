"""The practice desk's pages: the learner's desk and results, the replay, and the trainer's sets."""

import types
from typing import Any, Union, get_args, get_origin

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pathways.auth.dependencies import CurrentUser
from pathways.auth.permissions import can_train
from pathways.badges.routes import BadgeAwarder
from pathways.badges.routes import awarder as service_awarder
from pathways.competencies.models import Competency
from pathways.deps import DbSession
from pathways.errors import BadRequest, describe_errors
from pathways.practice import evidence, reports, service, sets
from pathways.practice.cases import CASE_KINDS, kind_for
from pathways.practice.cases.base import Payload, usd
from pathways.practice.cases.card_data import security_code
from pathways.practice.cases.schedule import ProviderDay, grid_rows
from pathways.practice.models import PracticeAttempt
from pathways.practice.worksheet import answer_notes, label, readable, worksheet
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter(prefix="/practice", include_in_schema=False)
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


def is_list(annotation: Any) -> bool:
    if get_origin(annotation) in (Union, types.UnionType):
        return any(is_list(a) for a in get_args(annotation))
    return get_origin(annotation) is list


def form_payload(model: type[Payload], form: FormData) -> dict[str, Any]:
    """A flat HTML form as an action payload: repeated fields become lists, blanks are dropped."""
    raw: dict[str, Any] = {}
    slot = form.get("slot")
    if isinstance(slot, str) and slot.count("|") == 2:  # the schedule grid's radio: provider|day|start
        raw["provider"], raw["day"], raw["start"] = slot.split("|")
    for name, field in model.model_fields.items():
        if is_list(field.annotation):
            raw[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
        elif isinstance(value := form.get(name), str) and value != "":
            raw[name] = value
    return raw


def latest_responses(attempt: PracticeAttempt) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for event in attempt.events:
        latest[event.kind] = event.response
    return latest


def competency_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Competency.code, Competency.name))}


def desk_context(attempt: PracticeAttempt, error: str | None = None) -> dict[str, Any]:
    kind = kind_for(attempt.case_type)
    case = service.case_of(attempt)
    context: dict[str, Any] = {
        "attempt": attempt,
        "kind": kind,
        "case": case,
        "facts": case.facts,
        "error": error,
        "responses": latest_responses(attempt),
        "usd": usd,
        "readable": readable,
        "label": label,
        "finished": attempt.status == "finished",
        "replies": {e.payload.get("turn"): e for e in attempt.events if e.kind == "reply"},
        "started_iso": service.utc(attempt.started_at).isoformat(),
    }
    if kind.family == "booking":
        columns = [ProviderDay.model_validate(c) for c in case.facts["schedule"]]
        context["columns"] = columns
        context["grid"] = grid_rows(columns)
    if kind.family == "payment" and attempt.status == "open":
        context["card_code"] = security_code(case.seed)  # shown on the card's back, never stored
    if attempt.status == "finished":
        context["worksheet"] = worksheet(kind, case, service.actions_of(attempt))
        context["answer_notes"] = answer_notes(case)
        context["score"] = service.score_of(attempt)
        context["findings"] = sorted(
            attempt.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.id)
        )
    return context


@router.get("")
def desk_home(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    employee_id = service.learner_id(user) if user.employee_id else None
    assigned, progress, recent, standings = [], {}, [], []
    if employee_id is not None:
        assigned = sets.assigned_sets(session, employee_id)
        progress = sets.learner_progress(session, employee_id, [s.id for s in assigned])
        recent = service.attempts_of(session, employee_id, limit=15)
        standings = evidence.standings(session, employee_id)
    context = {
        "kinds": CASE_KINDS,
        "assigned": assigned,
        "progress": progress,
        "recent": recent,
        "employee_id": employee_id,
        "trainer": can_train(user),
        "set_cases": sets.set_cases,
        "standings": standings,
        "competency_names": competency_names(session),
    }
    return render(request, "practice/home.html", context)


@router.post("/attempts", dependencies=CSRF)
async def start_from_form(request: Request, session: DbSession, user: CurrentUser) -> Response:
    form = await request.form()
    case_type, set_id, index = form.get("case_type"), form.get("set_id"), form.get("index")
    if not isinstance(case_type, str) or not case_type:
        raise BadRequest("Choose a case type.")
    try:
        set_number = int(set_id) if isinstance(set_id, str) and set_id else None
        index_number = int(index) if isinstance(index, str) and index else None
    except ValueError as exc:
        raise BadRequest("The set and case number must be whole numbers.") from exc
    attempt = service.start_attempt(
        session, service.learner_id(user), case_type, set_id=set_number, index=index_number
    )
    return RedirectResponse(f"/practice/attempts/{attempt.id}", status_code=303)


@router.get("/attempts/{attempt_id}")
def desk(request: Request, attempt_id: int, session: DbSession, user: CurrentUser) -> HTMLResponse:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    context = desk_context(attempt)
    context["own"] = user.employee_id == attempt.employee_id
    context["competency_names"] = competency_names(session)
    return render(request, "practice/desk.html", context)


@router.post("/attempts/{attempt_id}/act", dependencies=CSRF)
async def act_from_form(request: Request, attempt_id: int, session: DbSession, user: CurrentUser) -> Response:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    service.ensure_own_open(user, attempt)
    form = await request.form()
    action = form.get("action")
    kind = kind_for(attempt.case_type)
    if not isinstance(action, str) or action not in kind.actions:
        raise BadRequest(f"Unknown action for this case. Actions: {', '.join(sorted(kind.actions))}.")
    try:  # input is checked before anything is stored, so a refusal changes nothing
        service.act(session, attempt, action, form_payload(kind.actions[action], form))
    except BadRequest as exc:
        context = desk_context(attempt, error=exc.message) | {
            "own": True,
            "competency_names": competency_names(session),
        }
        return render(request, "practice/desk.html", context, status_code=400)
    if form.get("finish") == "1":
        service.finish(session, attempt)
        if attempt.set_id is not None:  # a passed set may record practice evidence, which may earn a level
            service_awarder(request, session)(attempt.employee_id)
    return RedirectResponse(
        f"/practice/attempts/{attempt.id}#{'result' if form.get('finish') else 'log'}", 303
    )


@router.post("/attempts/{attempt_id}/finish", dependencies=CSRF)
def finish_from_form(attempt_id: int, session: DbSession, user: CurrentUser, award: BadgeAwarder) -> Response:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    service.ensure_own_open(user, attempt)
    service.finish(session, attempt)
    if attempt.set_id is not None:  # a passed set may record practice evidence, which may earn a level
        award(attempt.employee_id)
    return RedirectResponse(f"/practice/attempts/{attempt.id}#result", status_code=303)


@router.get("/attempts/{attempt_id}/replay")
def replay_page(
    request: Request, attempt_id: int, session: DbSession, user: CurrentUser, step: int = 0
) -> Response:
    attempt = service.get_attempt(session, attempt_id)
    service.ensure_can_review(session, user, attempt)
    steps = service.replay(attempt)
    step = min(max(step, 0), len(steps))
    context = {
        "attempt": attempt,
        "steps": steps,
        "step": step,
        "kind": kind_for(attempt.case_type),
        "case": service.case_of(attempt),
        "readable": readable,
        "label": label,
    }
    return render(request, "practice/replay.html", context)


@router.get("/trainer")
def trainer_home(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    practice_sets = sets.sets_for_trainer(session, user)
    context = {"sets": practice_sets, "kinds": CASE_KINDS, "people": sets.cohort_candidates(session, user)}
    return render(request, "practice/trainer.html", context)


@router.post("/trainer/sets", dependencies=CSRF)
async def create_set_from_form(request: Request, session: DbSession, user: CurrentUser) -> Response:
    sets.ensure_trainer(user)
    form = await request.form()
    raw = {
        "name": form.get("name"),
        "case_types": form.getlist("case_types"),
        "members": form.getlist("members"),
        "cases_per_type": form.get("cases_per_type"),
        "level": form.get("level"),
    }
    try:
        practice_set = sets.create_set(session, user, sets.NewSet.model_validate(raw))
    except (BadRequest, ValidationError) as exc:
        message = exc.message if isinstance(exc, BadRequest) else describe_errors(exc.errors())
        context = {
            "sets": sets.sets_for_trainer(session, user),
            "kinds": CASE_KINDS,
            "people": sets.cohort_candidates(session, user),
            "error": message,
            "form": raw,
        }
        return render(request, "practice/trainer.html", context, status_code=400)
    return RedirectResponse(f"/practice/trainer/sets/{practice_set.id}", status_code=303)


@router.get("/trainer/sets/{set_id}")
def trainer_set(request: Request, set_id: int, session: DbSession, user: CurrentUser) -> HTMLResponse:
    practice_set = sets.set_for_trainer(session, user, set_id)
    found = sets.results(session, practice_set)
    context = {"set": practice_set, "results": found, "kinds": CASE_KINDS, "charts": reports.charts(found)}
    return render(request, "practice/trainer_set.html", context)
