"""Exchanging the framework with other systems as CASE 1.0 packages: download, and import with a preview.

The preview page carries the package back in a hidden field, and the import reads and checks it again from
scratch: nothing the browser sends is trusted because it was previewed.
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pathways.auth.dependencies import AdminUser
from pathways.content import case, case_service, editing
from pathways.deps import DbSession
from pathways.errors import AppError, BadRequest, NotFound
from pathways.routing import CSRF
from pathways.uploads import FORM_OVERHEAD_BYTES, read_upload
from pathways.web import render

router = APIRouter()
MAX_PACKAGE_BYTES = 900 * 1024  # the import form sends it back in one field, under the default 1 MiB body
PAGE = "admin/case.html"
PackageText = Annotated[str, Form(max_length=MAX_PACKAGE_BYTES)]


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url)


def _page(request: Request, **context: Any) -> HTMLResponse:
    status = 400 if context.get("problems") else 200
    documents = [(name, case.document_id(name), title) for name, title in case.DOCUMENT_TITLES.items()]
    return render(request, PAGE, {"documents": documents, **context}, status_code=status)


@router.get("/admin/content/case", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, user: AdminUser, done: str | None = None) -> HTMLResponse:
    return _page(request, done="The package is imported." if done == "imported" else None)


@router.get("/admin/content/case/{name}.json", include_in_schema=False)
def download(request: Request, session: DbSession, user: AdminUser, name: str) -> Response:
    if name not in case.DOCUMENT_TITLES:
        raise NotFound(f"No CASE package {name[:40]!r}. Choose one of: {', '.join(case.DOCUMENT_TITLES)}.")
    body = json.dumps(case_service.package(session, name, _base(request)), indent=2, ensure_ascii=False)
    headers = {"Content-Disposition": f'attachment; filename="pathways-case-{name}.json"'}
    return Response(body, media_type="application/json", headers=headers)


def _parse(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"The file is not JSON ({exc}); a CASE package is a JSON file.") from None


@router.post(
    "/admin/content/case", response_class=HTMLResponse, include_in_schema=False,
    max_body_size=MAX_PACKAGE_BYTES + FORM_OVERHEAD_BYTES,
)  # fmt: skip
def preview(request: Request, session: DbSession, user: AdminUser) -> HTMLResponse:
    upload = read_upload(request, MAX_PACKAGE_BYTES)
    if len(upload.data) > MAX_PACKAGE_BYTES:
        return _page(request, problems=[f"The file is over {MAX_PACKAGE_BYTES // 1024} KB."])
    try:
        body = _parse(upload.data)
        result, _data = case_service.preview(session, body)
    except case.PackageProblem as exc:
        return _page(request, problems=exc.problems)
    except AppError as exc:
        return _page(request, problems=[exc.message])
    return _page(request, preview=result, package=json.dumps(body, ensure_ascii=False))


@router.post(
    "/admin/content/case/import", response_class=HTMLResponse, include_in_schema=False, dependencies=CSRF
)
def import_package(request: Request, session: DbSession, user: AdminUser, package: PackageText) -> Response:
    try:
        case_service.import_package(session, user.id, _parse(package))
    except case.PackageProblem as exc:
        return _page(request, problems=exc.problems)
    except editing.EditRejected as exc:
        return _page(request, problems=exc.problems)
    except AppError as exc:
        return _page(request, problems=[exc.message])
    return RedirectResponse("/admin/content/case?done=imported", status_code=303)
