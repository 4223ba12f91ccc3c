"""Settings of the scoring service."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from servicekit.settings import ServiceSettings

SEED_FACTOR_SETS = Path(__file__).resolve().parents[2] / "seeds" / "factor-sets"


class ScoringSettings(ServiceSettings):
    service_name: str = "scoring"
    db_schema: str = "scoring"
    http_port: int = Field(default=8002, alias="SCORING_PORT")
    factor_set_dir: Path = Field(default=SEED_FACTOR_SETS, alias="FACTOR_SET_DIR")
    model_min_projects: int = Field(default=30, alias="SCORING_MODEL_MIN_PROJECTS")
    model_retrain_growth: float = Field(default=2.0, alias="SCORING_MODEL_RETRAIN_GROWTH")
    model_auto_max: int = Field(default=5000, alias="SCORING_MODEL_AUTO_MAX")
    rescore_chunk: int = Field(default=2000, alias="SCORING_RESCORE_CHUNK")
