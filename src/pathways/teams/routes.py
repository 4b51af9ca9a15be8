from fastapi import APIRouter

from pathways.teams import (
    insight_routes,
    observation_routes,
    onboarding_api,
    onboarding_routes,
    rating_routes,
    team_routes,
)

router = APIRouter()
for module in (
    team_routes,
    rating_routes,
    observation_routes,
    onboarding_routes,
    onboarding_api,
    insight_routes,
):
    router.include_router(module.router)
