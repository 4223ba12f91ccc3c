"""Response shapes of the scoring API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from schemas.scoring import Flag


class Standing(BaseModel):
    rank_overall: int
    percentile_overall: float
    rank_in_type: int
    percentile_in_type: float
    rank_in_city: int
    percentile_in_city: float


class ScoreView(BaseModel):
    """A score with its full calculation trace, so a reviewer can follow every number."""

    project_id: uuid.UUID
    project_version: int
    factor_set_id: str
    model_version: str
    current: bool
    status: str
    unscorable_reason: str | None = None
    standing: Standing | None = None
    score: dict[str, Any] | None = None
    scored_at: datetime


class ScoreHistoryEntry(BaseModel):
    project_version: int
    factor_set_id: str
    model_version: str
    score: float | None
    annual_tco2e: float | None
    rejected: bool
    unscorable: str | None
    current: bool
    scored_at: datetime


class RankedProject(BaseModel):
    project_id: uuid.UUID
    name: str | None
    type: str
    city: str
    score: float
    annual_tco2e: float | None
    standing: Standing


class RejectedProject(BaseModel):
    """A project left out of the rankings because its current score is rejected, and why."""

    project_id: uuid.UUID
    project_version: int
    name: str | None
    type: str
    city: str
    reasons: list[Flag]
    scored_at: datetime


class FactorSetView(BaseModel):
    id: str
    version: int
    active: bool
    body: dict[str, Any]


class RescoreResult(BaseModel):
    rescored: int
    factor_set_id: str
    model_version: str


class Estimate(BaseModel):
    """A score computed for a description that was not registered."""

    score: dict[str, Any]
