from fastapi import APIRouter

from pathways.admin import audit_routes, case_pages, content_pages, story_pages
from pathways.mail import routes as mail_routes

router = APIRouter()
for module in (case_pages, content_pages, story_pages, audit_routes, mail_routes):
    router.include_router(module.router)
