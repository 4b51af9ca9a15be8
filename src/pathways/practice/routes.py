from fastapi import APIRouter

from pathways.practice import api, pages, set_pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)
router.include_router(set_pages.router)
