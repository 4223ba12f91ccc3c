"""Settings of the matching service."""

from __future__ import annotations

from pydantic import Field

from servicekit.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    service_name: str = "matching"
    db_schema: str = "matching"
    http_port: int = Field(default=8003, alias="MATCHING_PORT")
    feed_poll_s: float = Field(default=1.0, alias="FEED_POLL_SECONDS")
    allocation_time_limit_s: float = Field(default=10.0, alias="ALLOCATION_TIME_LIMIT_SECONDS")
    offer_sweep_s: float = Field(default=30.0, gt=0, alias="OFFER_SWEEP_SECONDS")
