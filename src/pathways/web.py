"""Server-rendered pages: one Jinja environment, and one way to render a page with its common context."""

from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from pathways.auth.csrf import CSRF_FIELD, csrf_token
from pathways.auth.permissions import Abilities
from pathways.competencies.levels import LevelWords
from pathways.config import PACKAGE_DIR

templates = Jinja2Templates(directory=PACKAGE_DIR / "templates")


def hours(value: Decimal | float) -> str:
    number = float(value)
    text = f"{number:g}"
    return f"{text} hour" if number == 1 else f"{text} hours"


def money(value: int) -> str:
    return f"${value:,}"


def _levels(context: Context) -> LevelWords:
    found = context.get("levels")
    return found if isinstance(found, LevelWords) else LevelWords(lambda: None)


@pass_context
def level_name(context: Context, level: int | None) -> str:
    return _levels(context).name(level)


@pass_context
def level_summary(context: Context, level: int | None) -> str:
    return _levels(context).summary(level)


@pass_context
def level_behaviour(context: Context, level: int | None, competency_code: str) -> str:
    return _levels(context).behaviour(level, competency_code)


templates.env.filters["hours"] = hours
templates.env.filters["money"] = money
# The one way a page shows a proficiency level: its name, and on request what it looks like (issue 15).
templates.env.filters["level_name"] = level_name
templates.env.filters["level_summary"] = level_summary
templates.env.filters["level_behaviour"] = level_behaviour


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    page = {
        "user": user,
        # What the user may do, asked with the routes' own rules: a page offers only what it may (issue 15).
        "can": Abilities(user),
        "csrf_field": CSRF_FIELD,
        # An error page answered before the session middleware ran has no session to read the token from.
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "path": request.url.path,
        "levels": LevelWords(lambda: getattr(request.state, "db_session", None)),
    }
    page.update(context or {})
    return templates.TemplateResponse(request, template, page, status_code=status_code)
