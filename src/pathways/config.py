from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
# The shipped framework sits at the repository root, beside src/.
DEFAULT_CONTENT_DIR = PACKAGE_DIR.parent.parent / "content"

# Only good for a laptop: production must set PATHWAYS_SECRET_KEY, and `serve` refuses this one there.
DEV_SECRET_KEY = "dev-only-secret-change-me"  # noqa: S105
# 32 characters of `secrets.token_urlsafe` carry about 190 bits: a signed cookie cannot be forged by guessing.
MIN_SECRET_KEY_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATHWAYS_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///pathways.db"
    secret_key: str = DEV_SECRET_KEY
    environment: str = Field(default="development", pattern="^(development|test|production)$")
    content_dir: Path = DEFAULT_CONTENT_DIR
    lms_base_url: str = "https://lms.pathways.example"
    session_max_age_s: int = 8 * 3600
    # Cookies only over HTTPS; on by default in production.
    secure_cookies: bool = False

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def production_problem(self) -> str | None:
        """Why these settings must not serve production traffic, or None. Checked by the app factory, so no
        server can start on them, whichever runs it."""
        if self.is_production and self.secret_key == DEV_SECRET_KEY:
            return "PATHWAYS_SECRET_KEY must be set in production: the development key is public."
        if self.is_production and len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            return f"PATHWAYS_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production."
        return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
