"""The trainer's pages for changing or deleting a practice set, and its results as a CSV file."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pathways.auth.dependencies import CurrentUser
from pathways.auth.models import User
from pathways.csvfile import csv_response
from pathways.deps import DbSession
from pathways.errors import AppError, describe_errors
from pathways.practice import editing, reports, sets
from pathways.practice.cases import CASE_KINDS
from pathways.practice.models import PracticeSet
from pathways.routing import CSRF
from pathways.web import render

router = APIRouter(prefix="/practice/trainer/sets", include_in_schema=False)


def edit_context(
    session: Session,
    user: User,
    practice_set: PracticeSet,
    form: dict[str, Any] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    worked = editing.attempt_counts(session, practice_set.id)
    members = [m.employee for m in practice_set.members]
    in_scope = sets.cohort_candidates(session, user)
    people = sorted({p.id: p for p in [*in_scope, *members]}.values(), key=lambda p: p.name)
    values = form or editing.snapshot(practice_set)
    return {
        "set": practice_set,
        "kinds": CASE_KINDS,
        "people": people,
        "worked": {p.employee_number: worked[p.id] for p in members if p.id in worked},
        "locked": bool(worked),
        "values": values,
        "chosen_types": set(values.get("case_types") or []),
        "chosen_members": set(values.get("members") or []),
        "error": error,
    }


def form_changes(form: FormData) -> dict[str, Any]:
    raw: dict[str, Any] = {"name": form.get("name"), "members": form.getlist("members")}
    if form.get("plan") == "1":  # the case fields are on the form only while nobody has started a case
        raw |= {
            "case_types": form.getlist("case_types"),
            "cases_per_type": form.get("cases_per_type"),
            "level": form.get("level"),
        }
    return raw


@router.get("/{set_id}/edit")
def edit_page(request: Request, set_id: int, session: DbSession, user: CurrentUser) -> HTMLResponse:
    practice_set = sets.set_for_trainer(session, user, set_id)
    return render(request, "practice/set_edit.html", edit_context(session, user, practice_set))


@router.post("/{set_id}/edit", dependencies=CSRF)
async def edit_from_form(request: Request, set_id: int, session: DbSession, user: CurrentUser) -> Response:
    practice_set = sets.set_for_trainer(session, user, set_id)
    raw = form_changes(await request.form())
    try:
        editing.update_set(session, user, set_id, editing.SetChanges.model_validate(raw))
    except (AppError, ValidationError) as exc:
        message = exc.message if isinstance(exc, AppError) else describe_errors(exc.errors())
        status = exc.status_code if isinstance(exc, AppError) else 400
        form = editing.snapshot(practice_set) | {k: v for k, v in raw.items() if v is not None}
        context = edit_context(session, user, practice_set, form=form, error=message)
        return render(request, "practice/set_edit.html", context, status_code=status)
    return RedirectResponse(f"/practice/trainer/sets/{set_id}", status_code=303)


@router.post("/{set_id}/delete", dependencies=CSRF)
def delete_from_form(request: Request, set_id: int, session: DbSession, user: CurrentUser) -> Response:
    practice_set = sets.set_for_trainer(session, user, set_id)
    try:
        editing.delete_set(session, user, set_id)
    except AppError as exc:
        context = edit_context(session, user, practice_set, error=exc.message)
        return render(request, "practice/set_edit.html", context, status_code=exc.status_code)
    return RedirectResponse("/practice/trainer", status_code=303)


@router.get("/{set_id}/results.csv")
def results_csv(set_id: int, session: DbSession, user: CurrentUser) -> Response:
    practice_set = sets.set_for_trainer(session, user, set_id)
    text = reports.results_csv(session, practice_set, sets.results(session, practice_set))
    return csv_response(text, f"practice-set-{set_id}-results.csv")
