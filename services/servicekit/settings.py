"""Settings shared by every service process, read from the environment."""

from __future__ import annotations

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.kafka_settings import KafkaSettings
from servicekit.password_strength import weakness

RELAY_BATCH_BYTES = 4 * 1024 * 1024

DEV_ENVIRONMENTS = ("development", "test")


class ServiceSettings(KafkaSettings):
    """Base settings; each service subclasses it to set its name, schema and port."""

    model_config = SettingsConfigDict(
        env_prefix="", extra="ignore", frozen=True, hide_input_in_errors=True
    )

    service_name: str = "greenlink"
    db_schema: str = "public"
    environment: Literal["development", "test", "production"] = Field(
        default="development", alias="GREENLINK_ENV"
    )
    database_url: str = Field(alias="DATABASE_URL", repr=False)
    migration_database_url: str | None = Field(
        default=None, alias="MIGRATION_DATABASE_URL", repr=False
    )
    database_password: SecretStr | None = Field(default=None, alias="PGPASSWORD", repr=False)
    http_host: str = Field(default="127.0.0.1", alias="HTTP_HOST")
    http_port: int = 8000
    # Processes serving the API on the one port (SO_REUSEPORT; servicekit.runtime.api_workers).
    api_workers: int = Field(default=1, ge=1, le=32, alias="API_WORKERS")
    # Relay and consumer processes serve Prometheus metrics here; 0 leaves them without (the
    # API serves /metrics on its own port). Replicas of one role each get their own port.
    # Fault tests only (refused in production): the relay exits after Kafka acknowledged its
    # first batch and before it marks the rows published, so the next relay publishes them again.
    fault_relay_exit_before_mark: bool = Field(default=False, alias="FAULT_RELAY_EXIT_BEFORE_MARK")
    metrics_port: int = Field(default=0, ge=0, le=65535, alias="METRICS_PORT")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    # A process starting while PostgreSQL or Kafka cannot be reached waits this long for them
    # (retrying its start-up with backoff) before it gives up and exits.
    startup_wait_s: float = Field(default=300.0, ge=0, le=3600, alias="STARTUP_WAIT_SECONDS")
    db_pool_min: int = 1
    db_pool_max: int = 10
    consumer_batch_max: int = Field(default=2000, alias="CONSUMER_BATCH_MAX")
    relay_batch_max: int = Field(default=2000, ge=1, alias="RELAY_BATCH_MAX")
    # A relay batch also ends once it holds this many bytes of events (servicekit.relay).
    relay_batch_bytes: int = Field(default=RELAY_BATCH_BYTES, ge=1, alias="RELAY_BATCH_BYTES")
    max_body_bytes: int = Field(default=1_000_000, alias="MAX_BODY_BYTES")
    jwks_path: str | None = Field(default=None, alias="GREENLINK_JWKS_PATH")
    jwks_url: str | None = Field(default=None, alias="GREENLINK_JWKS_URL")
    jwt_issuer: str = Field(default="greenlink-local", alias="GREENLINK_JWT_ISSUER")
    jwt_audience: str = Field(default="greenlink", alias="GREENLINK_JWT_AUDIENCE")
    rate_limit_writes_per_minute: int = Field(
        default=6000, ge=1, le=10_000_000, alias="RATE_LIMIT_WRITES_PER_MINUTE"
    )
    idempotency_key_ttl_hours: int = Field(
        default=24, ge=1, le=24 * 30, alias="IDEMPOTENCY_KEY_TTL_HOURS"
    )
    # How long a request holds its Idempotency-Key before a retry may take it over.
    idempotency_lease_seconds: int = Field(
        default=30, ge=1, le=3600, alias="IDEMPOTENCY_LEASE_SECONDS"
    )

    @property
    def is_development(self) -> bool:
        return self.environment in DEV_ENVIRONMENTS

    @property
    def migrator_url(self) -> str:
        """Migrations run as the tables' owner when one is configured, else as the app."""
        return self.migration_database_url or self.database_url

    @property
    def app_role(self) -> str | None:
        """The role the services connect as, when it differs from the owner that migrates.

        Migrations grant it the rights it needs on every run, so new tables are covered.
        """
        if not self.migration_database_url:
            return None
        app, owner = urlsplit(self.database_url), urlsplit(self.migration_database_url)
        return app.username if app.username and app.username != owner.username else None

    @model_validator(mode="after")
    def _no_default_secrets_in_production(self) -> Self:
        """A guessable password, keys fetched in the clear or a locally minted key must never
        guard real data."""
        if self.is_development:
            return self
        if self.fault_relay_exit_before_mark:
            raise ValueError("FAULT_RELAY_EXIT_BEFORE_MARK is for fault tests, not production")
        fallback = self.database_password.get_secret_value() if self.database_password else ""
        urls = {"DATABASE_URL": self.database_url}
        if self.migration_database_url:
            urls["MIGRATION_DATABASE_URL"] = self.migration_database_url
        for name, url in urls.items():
            password = urlsplit(url).password or fallback
            if why := weakness(password):
                raise ValueError(
                    f"the database password (in {name} or PGPASSWORD) is missing or weak: {why};"
                    " use at least 20 random characters (openssl rand -base64 24)"
                )
        if not self.jwks_url:
            raise ValueError("GREENLINK_JWKS_URL (the identity provider's keys) is required")
        if urlsplit(self.jwks_url).scheme != "https":
            raise ValueError(
                "GREENLINK_JWKS_URL must be https://: keys fetched in the clear can be swapped"
            )
        if self.jwt_issuer == "greenlink-local":
            raise ValueError("GREENLINK_JWT_ISSUER must name the real identity provider")
        return self
