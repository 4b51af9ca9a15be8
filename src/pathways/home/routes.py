from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from pathways.auth.dependencies import CurrentUser
from pathways.deps import DbSession
from pathways.home import help, service
from pathways.web import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request, session: DbSession, user: CurrentUser) -> HTMLResponse:
    home = service.home_for(session, user)
    return render(
        request, "home/index.html", {"home": home, "is_employee": isinstance(home, service.EmployeeHome)}
    )


@router.get("/help", response_class=HTMLResponse, include_in_schema=False)
def help_page(request: Request, user: CurrentUser) -> HTMLResponse:
    guides = help.guides_for(user.account_role)
    return render(request, "home/help.html", {"guides": guides, "everyone": help.EVERYONE})
