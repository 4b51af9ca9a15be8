"""Files uploaded in a form, read only once the route has decided that the caller may upload.

FastAPI reads a File() parameter before any dependency runs: an anonymous upload used to be parsed and spooled
to disk before the answer "sign in" or "not allowed". Upload routes declare no body parameter instead. They
check who is calling and whether they may (their dependencies and first lines), then call read_upload, which
parses the form, checks its CSRF token and hands back the file's bytes. The body's size was already bounded
by the route's max_body_size (middleware.BodyLimits).
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import anyio.from_thread
from fastapi import Request
from starlette.datastructures import UploadFile

from pathways.auth.csrf import CSRF_FAILED, CSRF_FIELD, CSRF_HEADER, csrf_matches, rides_on_session
from pathways.errors import AppError, Forbidden

# Multipart framing around the file (boundaries, part headers, the CSRF field): a route's body limit is its
# file limit plus this.
FORM_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes  # at most max_bytes + 1: one byte over tells the caller the file is too large
    # The form's other text fields (a certificate's dates and number beside its file), CSRF token left out.
    fields: dict[str, str] = dataclass_field(default_factory=dict)


def read_upload(request: Request, max_bytes: int, field: str = "file") -> Upload:
    """From a route that runs in a worker thread (a plain `def`), after its checks of who may upload."""
    return anyio.from_thread.run(_read_upload, request, max_bytes, field)


async def _read_upload(request: Request, max_bytes: int, field: str) -> Upload:
    form = await request.form(max_files=1, max_fields=8)
    try:
        if rides_on_session(request):
            sent: Any = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
            if not isinstance(sent, str) or not csrf_matches(request, sent):
                raise Forbidden(CSRF_FAILED)
        file = form.get(field)
        if not isinstance(file, UploadFile):
            # 422, as FastAPI answers a missing File() parameter: the contract the API had.
            raise AppError(f"{field}: choose a file to upload; the form has none.", 422)
        fields = {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
        return Upload(file.filename or "", await file.read(max_bytes + 1), fields)
    finally:
        await form.close()


def multipart_body(description: str, field: str = "file") -> dict[str, Any]:
    """The OpenAPI request body of an upload route, which declares no File() parameter (see above)."""
    schema = {
        "type": "object",
        "required": [field],
        "properties": {field: {"type": "string", "format": "binary", "description": description}},
    }
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}
