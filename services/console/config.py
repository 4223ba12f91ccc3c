"""Settings of the console: where the four services answer and how users sign in."""

from __future__ import annotations

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ENVIRONMENTS = ("development", "test")
DEV_SESSION_SECRET = "greenlink-console-development-only-secret"  # refused outside development
MIN_SECRET_CHARS = 32


class ConsoleSettings(BaseSettings):
    """The console holds no data of its own: no database, no Kafka, only the services' URLs."""

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, hide_input_in_errors=True
    )

    service_name: str = "console"
    environment: Literal["development", "test", "production"] = Field(
        default="development", alias="GREENLINK_ENV"
    )
    http_host: str = Field(default="127.0.0.1", alias="HTTP_HOST")
    http_port: int = Field(default=8005, alias="CONSOLE_PORT")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    registry_url: str = Field(default="http://127.0.0.1:8001", alias="REGISTRY_URL")
    scoring_url: str = Field(default="http://127.0.0.1:8002", alias="SCORING_URL")
    matching_url: str = Field(default="http://127.0.0.1:8003", alias="MATCHING_URL")
    audit_url: str = Field(default="http://127.0.0.1:8004", alias="AUDIT_URL")
    backend_timeout_s: float = Field(default=15.0, gt=0, le=300, alias="CONSOLE_BACKEND_TIMEOUT_S")
    session_secret: SecretStr = Field(
        default=SecretStr(DEV_SESSION_SECRET), alias="CONSOLE_SESSION_SECRET", repr=False
    )
    session_max_age_s: int = Field(default=8 * 3600, ge=60, alias="CONSOLE_SESSION_MAX_AGE_S")
    public_url: str | None = Field(default=None, alias="CONSOLE_PUBLIC_URL")
    oidc_issuer: str | None = Field(default=None, alias="OIDC_ISSUER")
    oidc_client_id: str | None = Field(default=None, alias="OIDC_CLIENT_ID")
    oidc_client_secret: SecretStr | None = Field(
        default=None, alias="OIDC_CLIENT_SECRET", repr=False
    )
    oidc_scope: str = Field(default="openid profile", alias="OIDC_SCOPE")
    jwks_path: str | None = Field(default=None, alias="GREENLINK_JWKS_PATH")
    jwks_url: str | None = Field(default=None, alias="GREENLINK_JWKS_URL")
    jwt_issuer: str = Field(default="greenlink-local", alias="GREENLINK_JWT_ISSUER")
    jwt_audience: str = Field(default="greenlink", alias="GREENLINK_JWT_AUDIENCE")

    @property
    def is_development(self) -> bool:
        return self.environment in DEV_ENVIRONMENTS

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def secure_cookies(self) -> bool:
        """Cookies travel only over HTTPS once the console is published as https://."""
        return bool(self.public_url and urlsplit(self.public_url).scheme == "https")

    @model_validator(mode="after")
    def _no_development_shortcuts_in_production(self) -> Self:
        """Outside development a forged session or a local token must be impossible."""
        if self.is_development:
            return self
        secret = self.session_secret.get_secret_value()
        if secret == DEV_SESSION_SECRET or len(secret) < MIN_SECRET_CHARS:
            raise ValueError(
                f"CONSOLE_SESSION_SECRET must be at least {MIN_SECRET_CHARS} random characters"
            )
        if not self.oidc_configured:
            raise ValueError("OIDC_ISSUER and OIDC_CLIENT_ID are required outside development")
        if urlsplit(self.oidc_issuer or "").scheme != "https":
            raise ValueError("OIDC_ISSUER must be https://")
        if not self.jwks_url or urlsplit(self.jwks_url).scheme != "https":
            raise ValueError("GREENLINK_JWKS_URL (the identity provider's keys) must be https://")
        return self
