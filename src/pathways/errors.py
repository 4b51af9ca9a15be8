from collections.abc import Sequence
from typing import Any


class AppError(Exception):
    """A failure the user can act on: its message is shown to them as it is."""

    status_code = 400

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class TooManyRequests(AppError):
    status_code = 429


def describe_errors(errors: Sequence[Any]) -> str:
    """Pydantic's error list as one sentence a person can act on: `field: what is wrong; ...`."""
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form"))
        message = str(error.get("msg", "is not valid"))
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "The request is not valid."
