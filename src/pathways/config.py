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
    # Where people reach this site: the links in emails and the single sign-on redirect are made from it.
    base_url: str = "http://127.0.0.1:8000"

    # Email (pathways.mail). No SMTP URL: messages are written as .eml files into mail_dir instead.
    smtp_url: str = ""
    mail_from: str = "Pathways <no-reply@pathways.example>"
    mail_dir: Path = Path("var/mail")
    mail_digest_hour_utc: int = Field(default=12, ge=0, le=23)
    mail_every_s: float = Field(default=60, gt=0)

    # Single sign-on by OpenID Connect (pathways.auth.oidc); off while oidc_issuer is empty.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_provider_name: str = "your organisation's account"
    oidc_scope: str = "openid email profile"
    # The ID token claim that names the person, and what it is matched against.
    oidc_claim: str = "email"
    oidc_match: str = Field(default="email", pattern="^(email|employee_number)$")
    oidc_create_accounts: bool = False
    # Off: only single sign-on, no password form, no reset links.
    local_passwords: bool = True
    # How long a request waits for a database lock held by another writer before answering 503 Retry-After.
    lock_timeout_s: float = Field(default=5.0, gt=0, le=60)
    # The organisation named as the issuer of Open Badges (pathways.badges).
    badge_issuer_name: str = Field(default="Pathways Demo Health", min_length=1, max_length=200)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    def configuration_problem(self) -> str | None:
        """Settings that contradict each other, whatever the environment: nobody could sign in, or a half
        set-up provider would fail at the first sign-in instead of at start-up."""
        if self.oidc_issuer and not (self.oidc_client_id and self.oidc_client_secret):
            return (
                "PATHWAYS_OIDC_ISSUER is set: PATHWAYS_OIDC_CLIENT_ID and PATHWAYS_OIDC_CLIENT_SECRET "
                "must be set too."
            )
        if not self.local_passwords and not self.oidc_issuer:
            return (
                "PATHWAYS_LOCAL_PASSWORDS=false needs single sign-on (PATHWAYS_OIDC_ISSUER): "
                "otherwise nobody could sign in."
            )
        if self.smtp_url:
            from pathways.mail.transport import SmtpUrlError, parse_smtp_url

            try:
                parse_smtp_url(self.smtp_url)
            except SmtpUrlError as exc:
                return str(exc)
        return None

    def production_problem(self) -> str | None:
        """Why these settings must not serve production traffic, or None. Checked by the app factory, so no
        server can start on them, whichever runs it."""
        if problem := self.configuration_problem():
            return problem
        if self.is_production and self.secret_key == DEV_SECRET_KEY:
            return "PATHWAYS_SECRET_KEY must be set in production: the development key is public."
        if self.is_production and len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            return f"PATHWAYS_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production."
        return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
