"""CASE 1.0's read-only REST binding at /ims/case/v1p0: the framework for any CASE consumer, unsigned.

Public like a published framework (OpenSALT serves its frameworks so): competencies, level descriptions and
which levels each role requires; nothing in it is anyone's record. Errors come in CASE's imsx_StatusInfo
shape, which is why the routes are left out of /openapi.json: CASE's own specification describes them.
"""

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from pathways.content import case_service
from pathways.deps import DbSession

router = APIRouter(prefix="/ims/case/v1p0", tags=["case"])
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url)


def _status(code: int, minor: str, description: str) -> JSONResponse:
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }
    return JSONResponse(body, status_code=code)


def _unknown(identifier: str, what: str) -> JSONResponse:
    if not UUID.match(identifier):
        return _status(400, "invalid_uuid", f"{what} identifiers are UUIDs; {identifier[:60]!r} is not one.")
    return _status(404, "unknownobject", f"No {what} {identifier}.")


@router.get("/CFDocuments", response_model=None, include_in_schema=False)
def cf_documents(request: Request, session: DbSession) -> dict[str, Any]:
    return {"CFDocuments": case_service.documents(session, _base(request))}


@router.get("/CFDocuments/{sourced_id}", response_model=None, include_in_schema=False)
def cf_document(request: Request, session: DbSession, sourced_id: str) -> Any:
    found = [
        d for d in case_service.documents(session, _base(request)) if d["identifier"] == sourced_id.lower()
    ]
    return found[0] if found else _unknown(sourced_id, "CFDocument")


@router.get("/CFPackages/{sourced_id}", response_model=None, include_in_schema=False)
def cf_package(request: Request, session: DbSession, sourced_id: str) -> Any:
    name = case_service.name_of(sourced_id.lower())
    if name is None:
        return _unknown(sourced_id, "CFPackage")
    return case_service.package(session, name, _base(request))


@router.get("/CFItems/{sourced_id}", response_model=None, include_in_schema=False)
def cf_item(request: Request, session: DbSession, sourced_id: str) -> Any:
    item = case_service.items(session, _base(request)).get(sourced_id.lower())
    return item if item is not None else _unknown(sourced_id, "CFItem")
