"""Settings of the scoring service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from scoring.estimate.factors import DEFAULT_FACTOR_DIR
from servicekit.settings import ServiceSettings


class ScoringSettings(ServiceSettings):
    service_name: str = "scoring"
    db_schema: str = "scoring"
    http_port: int = Field(default=8002, alias="SCORING_PORT")
    factor_set_dir: Path = Field(default=DEFAULT_FACTOR_DIR, alias="FACTOR_SET_DIR")
    model_min_projects: int = Field(default=30, alias="SCORING_MODEL_MIN_PROJECTS")
    model_retrain_growth: float = Field(default=2.0, alias="SCORING_MODEL_RETRAIN_GROWTH")
    model_auto_max: int = Field(default=5000, alias="SCORING_MODEL_AUTO_MAX")
    rescore_chunk: int = Field(default=2000, alias="SCORING_RESCORE_CHUNK")
