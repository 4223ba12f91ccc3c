"""Settings of the matching service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, FilePath

from servicekit.settings import ServiceSettings

# The subsidy programmes in a source checkout; the image ships them under /app/seeds.
SEED_SUBSIDY_PROGRAMMES = Path(__file__).resolve().parents[2] / "seeds" / "subsidy-programmes.json"


class MatchingSettings(ServiceSettings):
    service_name: str = "matching"
    db_schema: str = "matching"
    http_port: int = Field(default=8003, alias="MATCHING_PORT")
    feed_poll_s: float = Field(default=1.0, alias="FEED_POLL_SECONDS")
    allocation_time_limit_s: float = Field(default=10.0, alias="ALLOCATION_TIME_LIMIT_SECONDS")
    offer_sweep_s: float = Field(default=30.0, gt=0, alias="OFFER_SWEEP_SECONDS")
    # Loaded into the database at the API's start-up: a missing or invalid table stops it.
    subsidy_programmes_path: FilePath = Field(
        default=SEED_SUBSIDY_PROGRAMMES, alias="SUBSIDY_PROGRAMMES_PATH"
    )
