import gc
import logging
from urllib.parse import quote

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pathways import api_docs
from pathways.api import ERROR_RESPONSES
from pathways.config import PACKAGE_DIR, Settings, get_settings
from pathways.db import Database
from pathways.errors import BUSY, AppError, ServiceBusy, bounded, describe_errors
from pathways.middleware import BodyLimits, CatchUnexpected, SecurityHeaders, declared_limits
from pathways.querystring import DropEmptyQueryValues
from pathways.scim import routes as scim_routes
from pathways.web import render
from pathways.xapi import http as xapi_http
from pathways.xapi.formats import XapiError

log = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/healthz")


def error_response(
    request: Request, status_code: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/xapi/"):
        # What the app itself answers on the LRS's paths (a body too large, the database busy, a 500) is
        # shaped as the LRS shapes its own errors, with the version header.
        error = XapiError(message, status_code, dict(headers or {}))
        return xapi_http.error_response(error, request.headers.get(xapi_http.VERSION_HEADER))
    if request.url.path.startswith(scim_routes.PREFIX.rsplit("/", 1)[0] + "/"):
        # Anything the app itself answers under /scim/ (no such address, a body too large, a 500) is a SCIM
        # error, as an identity system expects; a 422 from a query parameter is SCIM's invalidValue.
        scim_type = "invalidValue" if status_code == 422 else None
        return scim_routes.error_response(
            400 if status_code == 422 else status_code, message, scim_type, headers
        )
    if wants_json(request):
        headers = {**(headers or {}), **({"WWW-Authenticate": "Bearer"} if status_code == 401 else {})}
        return JSONResponse({"detail": message}, status_code=status_code, headers=headers)
    if status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    response = render(request, "error.html", {"status_code": status_code, "message": message}, status_code)
    response.headers.update(headers or {})
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        return error_response(request, exc.status_code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, describe_errors(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {
            404: "There is no page at this address.",
            405: "This address does not accept that method.",
        }
        message = messages.get(exc.status_code) or bounded(str(exc.detail))
        return error_response(request, exc.status_code, message, dict(exc.headers or {}))

    # An id or number past what the database stores (SQLite and PostgreSQL keep 64-bit integers) cannot
    # name anything, wherever it appears; one answer here instead of a bound on every parameter.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        return error_response(request, 422, "A number in the request is too large or otherwise out of range.")

    # A lock that the database could not give in time, raised by the driver outside SQLAlchemy (the LRS writes
    # with COPY on PostgreSQL), is the same "try again" as db.py's ServiceBusy.
    @app.exception_handler(psycopg.errors.LockNotAvailable)
    @app.exception_handler(psycopg.errors.SerializationFailure)
    @app.exception_handler(psycopg.errors.DeadlockDetected)
    async def busy(request: Request, exc: Exception) -> Response:
        return error_response(request, 503, BUSY, ServiceBusy.headers)

    # Any other exception: middleware.CatchUnexpected (a handler here would end the keep-alive connection).


class UnsafeSettings(RuntimeError):
    """The settings would make a production server unsafe; it does not start."""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    if problem := settings.production_problem():
        raise UnsafeSettings(problem)
    app = FastAPI(
        title="Pathways",
        summary="Career path resource center for Patient Service Representatives",
        version="0.1.0",
        docs_url=None,  # FastAPI's /docs loads Swagger UI from a CDN; api_docs.py serves our own copy.
        redoc_url=None,
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url, settings.lock_timeout_s)

    from pathways.admin.routes import router as admin_router
    from pathways.auth.routes import router as auth_router
    from pathways.badges.routes import router as badges_router
    from pathways.careers.routes import router as careers_router
    from pathways.certifications.routes import router as certifications_router
    from pathways.competencies.routes import router as competencies_router
    from pathways.content.case_routes import router as case_router
    from pathways.home.routes import router as home_router
    from pathways.inbox.routes import router as inbox_router
    from pathways.learning.plan_routes import router as learning_plan_router
    from pathways.learning.routes import router as learning_router
    from pathways.org.routes import router as org_router
    from pathways.plans.routes import router as plans_router
    from pathways.practice.routes import router as practice_router
    from pathways.search.routes import router as search_router
    from pathways.stories.routes import router as stories_router
    from pathways.teams.routes import router as teams_router
    from pathways.trackers.routes import router as trackers_router
    from pathways.xapi.routes import router as xapi_router

    # The LRS first: its addresses are its own (/xapi, /admin/lrs, /api/v1/xapi), and an LMS's statement
    # batches, the busiest requests, were matched against every route of the site before reaching it.
    routers = (
        xapi_router,
        home_router,
        auth_router,
        careers_router,
        competencies_router,
        learning_router,
        learning_plan_router,
        stories_router,
        search_router,
        badges_router,
        plans_router,
        inbox_router,
        trackers_router,
        practice_router,
        teams_router,
        org_router,
        certifications_router,
        case_router,
        admin_router,
        scim_routes.router,
    )
    for router in routers:
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    api_docs.describe(app)
    install_error_handlers(app)
    scim_routes.install(app)
    # Added innermost first: a request meets SecurityHeaders, CatchUnexpected, the session, BodyLimits, then
    # DropEmptyQueryValues just before routing.
    app.add_middleware(DropEmptyQueryValues)
    app.add_middleware(
        BodyLimits,
        respond=error_response,
        routes=declared_limits(app.routes),
        prefixes=[("/xapi/", xapi_http.MAX_BODY_BYTES)],
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="pathways_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies or settings.is_production,
    )
    app.add_middleware(CatchUnexpected, respond=error_response)
    app.add_middleware(SecurityHeaders, production=settings.is_production)
    # What start-up built (routes, templates, mappers) lives as long as the process: keeping it out of the
    # collector's sweeps took the team page's p95 on SQLite from about 178 ms to 46 ms in bench/teams.py.
    gc.freeze()
    return app
