"""An empty query value means "not set", on every page and API route.

Links and GET forms carry every filter, set or not (`/team?manager=&site=`); a typed parameter read `manager=`
as an integer and answered 422. Dropping empty values here, before routing, makes `?manager=` the same as no
`manager` at all, once for every route. The LRS (`/xapi/`) is left as it is: the xAPI specification says how
its own parameters are read.
"""

from starlette.types import ASGIApp, Receive, Scope, Send


def without_empty_values(query: bytes) -> bytes:
    kept = [pair for pair in query.split(b"&") if pair.partition(b"=")[2]]
    return b"&".join(kept)


class DropEmptyQueryValues:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"")
        if scope["type"] == "http" and query and not scope["path"].startswith("/xapi/"):
            trimmed = without_empty_values(query)
            if trimmed != query:
                scope = {**scope, "query_string": trimmed}
        await self.app(scope, receive, send)
