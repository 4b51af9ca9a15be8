"""Every answer under /xapi is xAPI-shaped JSON with the version header, whatever goes wrong.

The site's own error handlers answer with HTML pages, and an exception that escapes a route reaches the
server as one (a 500 page, and on some servers a closed connection). xAPI clients are machines that read
`{"error": true, "message": ..., "code": ...}` and the X-Experience-API-Version header, so the LRS's routes
catch everything themselves (XapiRoute) and an address or method under /xapi that no resource serves is
answered here too (unknown_resource) instead of by the site's 404 and 405 pages.
"""

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from pathways.deps import DbSession
from pathways.xapi import credentials
from pathways.xapi.formats import XapiError
from pathways.xapi.http import Action, XapiRequest, call, failure_response

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


class XapiRoute(APIRoute):
    """A route of the LRS: an exception is answered here, as xAPI JSON, and never reaches the server."""

    registry: ClassVar[list["XapiRoute"]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        XapiRoute.registry.append(self)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                return await failure_response(request, exc)

        return guarded


def _methods_at(path: str) -> set[str]:
    methods: set[str] = set()
    for route in XapiRoute.registry:
        if route.endpoint is not unknown_resource and route.path_regex.match(path):
            methods |= route.methods or set()
    return methods


def _not_served(xr: XapiRequest) -> Response:
    path = xr.request.url.path
    methods = _methods_at(path)
    if methods:
        allowed = ", ".join(sorted(methods))
        message = f"{path} does not accept {xr.request.method}; it accepts {allowed}."
        raise XapiError(message, 405, {"Allow": allowed})
    raise XapiError(f"There is no xAPI resource at {path}.", 404)


async def unknown_resource(request: Request, session: DbSession) -> Response:
    return await call(request, session, Action(_not_served, credentials.ANY), needs_version=False)
