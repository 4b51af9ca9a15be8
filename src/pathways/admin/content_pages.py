"""Editing the framework in the browser (roles, lattice moves, competencies, courses, onboarding templates),
and exporting it as content/ YAML. Every save goes through the loader's validation and is audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from pathways.auth.dependencies import AdminUser
from pathways.content import editing, export
from pathways.deps import DbSession
from pathways.errors import AppError, NotFound, shown
from pathways.routing import CSRF, RowId
from pathways.stories.models import Story
from pathways.teams import onboarding, templates
from pathways.web import render

router = APIRouter()
YamlText = Annotated[str, Form(max_length=100_000)]
KindName = Annotated[str, Query(max_length=32)]
DONE = {"saved": "Saved.", "deleted": "Deleted.", "created": "Created."}


@router.get("/admin", include_in_schema=False)
def admin_home(request: Request, session: DbSession, user: AdminUser) -> HTMLResponse:
    waiting = session.scalar(select(func.count()).where(Story.status == "submitted")) or 0
    return render(request, "admin/index.html", {"waiting": waiting})


@router.get("/admin/content", include_in_schema=False)
def content_page(
    request: Request, session: DbSession, user: AdminUser, done: str | None = None
) -> HTMLResponse:
    data = export.framework(session)
    context = {
        "data": data,
        "kinds": editing.KINDS,
        "templates": onboarding.templates(session),
        "done": DONE.get(done or ""),
        "files": export.FILES,
    }
    return render(request, "admin/content.html", context)


@router.get("/admin/content/export", include_in_schema=False)
def export_content(
    session: DbSession, user: AdminUser, file: Annotated[str | None, Query(max_length=32)] = None
) -> Response:
    data = export.framework(session)
    if file is None:
        headers = {"Content-Disposition": 'attachment; filename="pathways-content.zip"'}
        return Response(export.zip_bytes(data), media_type="application/zip", headers=headers)
    if file not in export.FILES:
        raise NotFound(f"No content file {shown(file)}. Choose one of: {', '.join(export.FILES)}.")
    headers = {"Content-Disposition": f'attachment; filename="{file}"'}
    return Response(export.files(data)[file], media_type="application/yaml; charset=utf-8", headers=headers)


def _editor(
    request: Request,
    kind_label: str,
    title: str,
    action: str,
    text: str,
    error: str | None = None,
    status_code: int = 200,
    help_text: str = "",
    delete_action: str | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "kind_label": kind_label,
        "title": title,
        "action": action,
        "text": text,
        "error": error,
        "help": help_text,
        "delete_action": delete_action,
    }
    return render(request, "admin/edit.html", context, status_code=status_code)


def _help(kind: editing.Kind) -> str:
    return f"The format of one item of content/{kind.file}, as content/README.md describes it."


@router.get("/admin/content/new", include_in_schema=False)
def new_item_page(request: Request, session: DbSession, user: AdminUser, kind: KindName) -> HTMLResponse:
    found = editing.kind_of(kind)
    existing = export.framework(session)[found.file]
    example = editing.item_yaml(existing[0]) if existing else ""
    return _editor(
        request,
        found.label,
        f"New {found.label.lower()}",
        f"/admin/content/new?kind={found.name}",
        example,
        help_text=_help(found) + " Start from this copy of an existing item.",
    )


@router.post("/admin/content/new", include_in_schema=False, dependencies=CSRF)
def new_item(
    request: Request, session: DbSession, user: AdminUser, kind: KindName, text: YamlText
) -> Response:
    found = editing.kind_of(kind)
    try:
        editing.save(session, user.id, found, None, text)
    except AppError as exc:
        return _editor(
            request,
            found.label,
            f"New {found.label.lower()}",
            f"/admin/content/new?kind={found.name}",
            text,
            exc.message,
            exc.status_code,
            _help(found),
        )
    return RedirectResponse("/admin/content?done=created", status_code=303)


def _register(kind: editing.Kind) -> None:
    path = f"/admin/content/{kind.name}/{{code}}"

    def edit_page(request: Request, code: str, session: DbSession, user: AdminUser) -> HTMLResponse:
        item = editing.find(export.framework(session), kind, code)
        delete = f"{path.format(code=code)}/delete" if kind.name == "paths" else None
        return _editor(
            request,
            kind.label,
            f"{kind.label}: {code}",
            path.format(code=code),
            editing.item_yaml(item),
            help_text=_help(kind),
            delete_action=delete,
        )

    def edit(request: Request, code: str, session: DbSession, user: AdminUser, text: YamlText) -> Response:
        try:
            editing.save(session, user.id, kind, code, text)
        except AppError as exc:
            return _editor(
                request,
                kind.label,
                f"{kind.label}: {code}",
                path.format(code=code),
                text,
                exc.message,
                exc.status_code,
                _help(kind),
            )
        return RedirectResponse("/admin/content?done=saved", status_code=303)

    router.add_api_route(path, edit_page, methods=["GET"], include_in_schema=False)
    router.add_api_route(path, edit, methods=["POST"], include_in_schema=False, dependencies=CSRF)


for _kind in editing.KINDS.values():
    _register(_kind)


@router.post("/admin/content/paths/{code}/delete", include_in_schema=False, dependencies=CSRF)
def delete_path(code: str, session: DbSession, user: AdminUser) -> Response:
    editing.delete_path(session, user.id, code)
    return RedirectResponse("/admin/content?done=deleted", status_code=303)


# ---------------------------------------------------------------- onboarding templates
@router.get("/admin/onboarding-templates/new", include_in_schema=False)
def new_template_page(request: Request, user: AdminUser) -> HTMLResponse:
    return _editor(
        request,
        "Onboarding template",
        "New onboarding template",
        "/admin/onboarding-templates/new",
        templates.EXAMPLE,
        help_text=templates.HELP,
    )


@router.post("/admin/onboarding-templates/new", include_in_schema=False, dependencies=CSRF)
def new_template(request: Request, session: DbSession, user: AdminUser, text: YamlText) -> Response:
    try:
        templates.save(session, user.id, None, text)
    except AppError as exc:
        return _editor(
            request,
            "Onboarding template",
            "New onboarding template",
            "/admin/onboarding-templates/new",
            text,
            exc.message,
            exc.status_code,
            templates.HELP,
        )
    return RedirectResponse("/admin/content?done=created", status_code=303)


@router.get("/admin/onboarding-templates/{id}", include_in_schema=False)
def template_page(request: Request, id: RowId, session: DbSession, user: AdminUser) -> HTMLResponse:
    template = templates.get_template(session, id)
    return _editor(
        request,
        "Onboarding template",
        f"Onboarding template: {template.name}",
        f"/admin/onboarding-templates/{id}",
        templates.as_yaml(template),
        help_text=templates.HELP,
        delete_action=f"/admin/onboarding-templates/{id}/delete",
    )


@router.post("/admin/onboarding-templates/{id}", include_in_schema=False, dependencies=CSRF)
def template_save(
    request: Request, id: RowId, session: DbSession, user: AdminUser, text: YamlText
) -> Response:
    try:
        templates.save(session, user.id, id, text)
    except AppError as exc:
        if exc.status_code == 404:
            raise
        return _editor(
            request,
            "Onboarding template",
            "Onboarding template",
            f"/admin/onboarding-templates/{id}",
            text,
            exc.message,
            exc.status_code,
            templates.HELP,
        )
    return RedirectResponse("/admin/content?done=saved", status_code=303)


@router.post("/admin/onboarding-templates/{id}/delete", include_in_schema=False, dependencies=CSRF)
def template_delete(id: RowId, session: DbSession, user: AdminUser) -> Response:
    templates.delete(session, user.id, id)
    return RedirectResponse("/admin/content?done=deleted", status_code=303)
