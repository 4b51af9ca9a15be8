from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.errors import BadRequest
from pathways.search import service
from pathways.search.schemas import SearchHitOut, SearchOut
from pathways.web import render

router = APIRouter()

# No max_length here: an over-long query gets the service's own message, on the page as in the API.
SearchText = Annotated[str | None, Query(description="What to look for, up to 200 characters")]


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request, session: DbSession, user: CurrentUser, q: SearchText = None
) -> HTMLResponse:
    context: dict[str, Any] = {
        "search_query": q or "",
        "results": None,
        "error": None,
        "kinds": service.KINDS,
        "results_limit": service.MAX_RESULTS,
    }
    status_code = 200
    if q is None or not q.strip():
        # An empty box is not an error: the page asks for something to look for.
        context["error"] = service.EMPTY_QUERY
    else:
        try:
            context["results"] = service.search(session, q)
        except BadRequest as exc:
            context["error"], status_code = exc.message, exc.status_code
    return render(request, "search/results.html", context, status_code=status_code)


def _hits(results: service.Results, kind: str) -> list[SearchHitOut]:
    return [
        SearchHitOut(kind=hit.kind, ref=hit.ref, title=hit.title, summary=hit.summary, url=hit.url)
        for hit in results.groups[kind]
    ]


@router.get("/api/v1/search", response_model=SearchOut, tags=["search"])
def search_api(session: DbSession, user: CurrentUser, q: SearchText = None) -> SearchOut:
    results = service.search(session, q)
    return SearchOut(
        query=results.query,
        also_searched=results.also_searched,
        total=results.total,
        roles=_hits(results, "role"),
        competencies=_hits(results, "competency"),
        courses=_hits(results, "course"),
        stories=_hits(results, "story"),
    )
