"""Settings of the audit service."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Self

from pydantic import Field, FilePath, model_validator

from servicekit.settings import ServiceSettings

SIGNING_KEY_FILE = "ledger-signing.pem"
# The CERF refinancing rules in a source checkout; the image ships them under /app/seeds.
SEED_CERF_REFINANCING = Path(__file__).resolve().parents[2] / "seeds" / "cerf-refinancing.json"


class AuditSettings(ServiceSettings):
    service_name: str = "audit"
    db_schema: str = "audit"
    http_port: int = Field(default=8004, alias="AUDIT_PORT")
    # A signed checkpoint whenever an append crosses a multiple of this many entries, and on a
    # timer whenever the head has moved since the last one: the seeds alone cross the first.
    checkpoint_every: int = Field(default=500, ge=1, alias="AUDIT_CHECKPOINT_EVERY")
    checkpoint_interval_s: float = Field(
        default=300, gt=0, le=86_400, alias="AUDIT_CHECKPOINT_INTERVAL_S"
    )
    signing_key_path: Path | None = Field(default=None, alias="AUDIT_SIGNING_KEY_PATH")
    verify_batch_rows: int = Field(default=5_000, ge=100, le=100_000, alias="AUDIT_VERIFY_BATCH")
    # Checked at start-up: a missing table stops the service, never a disclosure request.
    cerf_refinancing_path: FilePath = Field(
        default=SEED_CERF_REFINANCING, alias="CERF_REFINANCING_PATH"
    )

    @property
    def signing_key_file(self) -> Path:
        """The Ed25519 key that signs checkpoints: configured, or minted per install in
        development under the state folder (never outside development, see below)."""
        if self.signing_key_path is not None:
            return self.signing_key_path
        state = Path(os.environ.get("GREENLINK_STATE_DIR", ".greenlink"))
        return state / "keys" / SIGNING_KEY_FILE

    @model_validator(mode="after")
    def _signing_key_configured_outside_development(self) -> Self:
        if not self.is_development and self.signing_key_path is None:
            raise ValueError(
                "AUDIT_SIGNING_KEY_PATH (the ledger's Ed25519 signing key, PEM) is required"
                " outside development"
            )
        return self
