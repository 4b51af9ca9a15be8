"""What every /api/v1 operation can answer besides success, as the OpenAPI document describes it.

Every error, from any route, is rendered by one handler (app.py) as {"detail": "a message a person can act
on"}; documenting that shape once here keeps the published contract true for every operation.
"""

from typing import Any

from pydantic import BaseModel


class ErrorOut(BaseModel):
    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Cannot be done as asked; the message says why."},
    401: {"model": ErrorOut, "description": "Not signed in, or the API token is not valid."},
    403: {"model": ErrorOut, "description": "Not allowed: out of scope, or a missing CSRF token."},
    404: {"model": ErrorOut, "description": "No such thing."},
    409: {"model": ErrorOut, "description": "Conflicts with the current state."},
    422: {"model": ErrorOut, "description": "A parameter or field is not valid; the message names it."},
    429: {"model": ErrorOut, "description": "Too many attempts; try again later."},
}
