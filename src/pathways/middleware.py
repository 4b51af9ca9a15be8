"""What every HTTP request goes through before and after the routes: body limits, the last word on
unexpected errors, and the security headers. Plain ASGI classes: they neither buffer nor copy a body."""

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

Respond = Callable[[Request, int, str, dict[str, str] | None], Response]

# Forms and JSON: the largest legitimate ones (a framework file edited in the browser, a tracker import's
# signed changes) are a few hundred kilobytes. Routes that take files declare more (max_body_size=...).
DEFAULT_BODY_BYTES = 1024 * 1024
UNEXPECTED = "Something went wrong on our side. The error has been logged."
SECURITY_HEADERS = {
    # No inline script or style anywhere: pages work without JavaScript and charts are SVG with attributes.
    b"content-security-policy": b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
    b"script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}
# Front-desk computers are shared: no page, PDF, workbook or API answer stays in a browser's or proxy's cache
# for the next person. Only the static assets (the same for everyone) may be cached.
NO_STORE = (b"cache-control", b"no-store")
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, production: bool = False) -> None:
        self.app = app
        self.extra = [*SECURITY_HEADERS.items(), *([HSTS] if production else [])]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.extra if scope["path"].startswith("/static/") else [*self.extra, NO_STORE]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in extra if k not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CatchUnexpected:
    """The last word on an exception nothing else handled: log it and answer 500, then return normally.

    Starlette's ServerErrorMiddleware sends its 500 and then raises again, and Uvicorn, seeing an exception
    after a response began, closes the connection: the client's next request on that keep-alive connection
    was reset. Installed inside it, this one never lets an exception reach it.
    """

    def __init__(self, app: ASGIApp, *, respond: Respond) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started:
                return  # too late for an error page: the response just ends
            response = self.respond(Request(scope), 500, UNEXPECTED, None)
            await response(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised from receive() when a body grows past its limit; the app's handler turns it into a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit), headers={"Connection": "close"})


def too_large_message(limit: int) -> str:
    size = f"{limit / 1_048_576:.1f}".removesuffix(".0")
    return f"The request is larger than this address accepts ({size} MB at most). Nothing was changed."


@dataclass(frozen=True)
class RouteLimit:
    methods: frozenset[str]
    path: re.Pattern[str]
    max_bytes: int


def walk(routes: Sequence[Any]) -> Iterator[APIRoute]:
    # FastAPI keeps included routers as nodes of their own; their routes carry the full path already.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from walk(route.original_router.routes)


def declared_limits(routes: Sequence[Any]) -> list[RouteLimit]:
    """The routes that accept more than the default, from their `max_body_size`."""
    return [
        RouteLimit(frozenset(route.methods or ()), route.path_regex, route.max_body_size)
        for route in walk(routes)
        if route.max_body_size is not None and route.max_body_size > DEFAULT_BODY_BYTES
    ]


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimits:
    """Refuse a request body larger than its route accepts, before the route reads any of it.

    By Content-Length, at once; a body without one (chunked) is counted as it arrives and cut off at the
    limit. Only bodies past the default look up their route's own limit, so ordinary requests cost nothing.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        respond: Respond,
        routes: Sequence[RouteLimit] = (),
        prefixes: Sequence[tuple[str, int]] = (),
        default: int = DEFAULT_BODY_BYTES,
    ) -> None:
        self.app = app
        self.respond = respond
        self.routes = tuple(routes)
        self.prefixes = tuple(prefixes)
        self.default = default

    def limit_for(self, scope: Scope) -> int:
        path, method = scope["path"], scope["method"]
        for prefix, limit in self.prefixes:
            if path.startswith(prefix):
                return limit
        for route in self.routes:
            if method in route.methods and route.path.match(path):
                return route.max_bytes
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        limit = self.limit_for(scope) if declared is not None and declared > self.default else self.default
        if declared is not None and declared > limit:
            response = self.respond(Request(scope), 413, too_large_message(limit), {"Connection": "close"})
            await response(scope, receive, send)
            return
        received = 0
        looked_up = limit != self.default

        async def limited() -> Message:
            nonlocal received, limit, looked_up
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not looked_up:
                    limit, looked_up = self.limit_for(scope), True
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)
