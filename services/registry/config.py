"""Settings of the registry service."""

from __future__ import annotations

from pydantic import Field

from servicekit.settings import ServiceSettings


class RegistrySettings(ServiceSettings):
    service_name: str = "registry"
    db_schema: str = "registry"
    http_port: int = Field(default=8001, alias="REGISTRY_PORT")
    intake_max_bytes: int = Field(default=512 * 1024 * 1024, alias="INTAKE_MAX_BYTES")
    intake_chunk_rows: int = Field(default=2000, ge=50, alias="INTAKE_CHUNK_ROWS")
    intake_max_running_jobs: int = Field(default=2, ge=1, alias="INTAKE_MAX_RUNNING_JOBS")
    intake_statement_timeout_ms: int = Field(
        default=60_000, ge=100, alias="INTAKE_STATEMENT_TIMEOUT_MS"
    )
