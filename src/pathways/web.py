"""Server-rendered pages: one Jinja environment, and one way to render a page with its common context."""

from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pathways.auth.csrf import CSRF_FIELD, csrf_token
from pathways.auth.permissions import Abilities
from pathways.config import PACKAGE_DIR

templates = Jinja2Templates(directory=PACKAGE_DIR / "templates")


def hours(value: Decimal | float) -> str:
    number = float(value)
    text = f"{number:g}"
    return f"{text} hour" if number == 1 else f"{text} hours"


def money(value: int) -> str:
    return f"${value:,}"


templates.env.filters["hours"] = hours
templates.env.filters["money"] = money


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
    }
    page.update(context or {})
    return templates.TemplateResponse(request, template, page, status_code=status_code)
