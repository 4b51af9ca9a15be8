from collections.abc import Sequence
from typing import Any

# What a message may echo of a request or a file: enough to find the value, never the whole of it. A path
# segment, a query value or a cell can be 100 KB; the answer to it stays small.
ECHO_LIMIT = 60
# Every message, whatever it was built from, is cut here. Content errors list one problem a line and are the
# longest honest messages (a few thousand characters for a badly broken file).
MAX_MESSAGE = 8000


class AppError(Exception):
    """A failure the user can act on: its message is shown to them as it is (made safe by `bounded`)."""

    status_code = 400
    headers: dict[str, str] = {}  # sent with the error response (Retry-After, WWW-Authenticate)

    def __init__(self, message: str, status_code: int | None = None) -> None:
        message = bounded(message)
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


class TooLarge(AppError):
    status_code = 413


class TooManyRequests(AppError):
    status_code = 429

    def __init__(self, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        if retry_after_s is not None:
            self.headers = {"Retry-After": str(max(1, retry_after_s))}


BUSY_RETRY_AFTER_S = 5
BUSY = (
    "Pathways is busy saving other changes (a large import, perhaps) and could not save yours in time. "
    "Nothing was changed: try again in a few seconds."
)


class ServiceBusy(AppError):
    """The database could not give this request its lock in time: a retry will do, nothing was changed."""

    status_code = 503
    headers = {"Retry-After": str(BUSY_RETRY_AFTER_S)}

    def __init__(self, message: str = BUSY) -> None:
        super().__init__(message)


def describe_errors(errors: Sequence[Any]) -> str:
    """Pydantic's error list as one sentence a person can act on: `field: what is wrong; ...`."""
    parts = []
    for error in errors:
        # A location can hold a key of the request's own (a mapping's key, an extra field): cut each part.
        where = ".".join(
            escaped(str(p)[:ECHO_LIMIT])
            for p in error.get("loc", ())
            if p not in ("body", "query", "path", "form")
        )
        message = str(error.get("msg", "is not valid"))
        parts.append(f"{where}: {message}" if where else message)
    return bounded("; ".join(parts) or "The request is not valid.")


def escaped(text: str) -> str:
    """The text with every character that does not print (NUL, other control characters, bidirectional
    overrides, zero-width and other invisible ones, lone surrogates) written as a visible escape like \\x00,
    so a message never carries them raw into a page, a terminal or a log."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value from a request or a file, quoted for a message: escaped, and cut after `limit` characters
    with its full length said, so that it can be recognised but an unbounded input is never echoed."""
    text = str(value)
    if len(text) <= limit:
        return f"'{escaped(text)}'"
    return f"'{escaped(text[:limit])}…' ({len(text):,} characters)"


def bounded(message: str) -> str:
    """Any message made safe to show: invisible characters escaped (line breaks kept), at most MAX_MESSAGE
    characters. The last guard for a value echoed without `shown`."""
    if not message.isprintable():
        message = "\n".join(escaped(line) for line in message.split("\n"))
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + f"… (cut here: the message ran to {len(message):,} characters)"
    return message
