"""Settings of the matching service."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, FilePath, model_validator

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
    # A registered or changed mandate is matched against the stored projects by a duty beside
    # the relay (matching.mandate_sweeps): how often it looks for waiting mandates, and how many
    # projects each of its transactions covers.
    mandate_sweep_s: float = Field(default=1.0, gt=0, le=3600, alias="MANDATE_SWEEP_SECONDS")
    mandate_sweep_chunk: int = Field(default=1000, ge=1, le=100_000, alias="MANDATE_SWEEP_CHUNK")
    # Loaded into the database at the API's start-up: a missing or invalid table stops it.
    subsidy_programmes_path: FilePath = Field(
        default=SEED_SUBSIDY_PROGRAMMES, alias="SUBSIDY_PROGRAMMES_PATH"
    )
    # The deal ranker (docs/matching.md): how often the schedule looks for new answers, how many
    # new answers make it ask for a retrain, when an unanswered deal counts as ignored, and how
    # many of each lender's newest answers one training reads.
    ranker_check_s: float = Field(default=300.0, gt=0, alias="RANKER_CHECK_SECONDS")
    ranker_retrain_new_answers: int = Field(
        default=20, ge=1, le=1_000_000, alias="RANKER_RETRAIN_NEW_ANSWERS"
    )
    ranker_ignored_after_days: int = Field(
        default=14, ge=1, le=365, alias="RANKER_IGNORED_AFTER_DAYS"
    )
    ranker_answers_per_lender: int = Field(
        default=5000, ge=20, le=100_000, alias="RANKER_ANSWERS_PER_LENDER"
    )
    # Development only (refused in production): order every lender's feed by its model, even
    # one that has not beaten the fixed weights on held-out answers.
    ranker_force_learned: bool = Field(default=False, alias="RANKER_FORCE_LEARNED")

    @model_validator(mode="after")
    def _learned_order_is_earned_in_production(self) -> Self:
        if self.ranker_force_learned and not self.is_development:
            raise ValueError(
                "RANKER_FORCE_LEARNED is for development: outside it a lender's feed is ordered"
                " by the learned model only where it beat the fixed weights on held-out answers"
            )
        return self
