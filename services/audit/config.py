"""Settings of the audit service."""

from __future__ import annotations

from pydantic import Field

from servicekit.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    service_name: str = "audit"
    db_schema: str = "audit"
    http_port: int = Field(default=8004, alias="AUDIT_PORT")
    checkpoint_every: int = Field(default=10_000, ge=1, alias="AUDIT_CHECKPOINT_EVERY")
    verify_batch_rows: int = Field(default=5_000, ge=100, le=100_000, alias="AUDIT_VERIFY_BATCH")
