"""Deal-ranker contracts: a request to retrain the model of lenders' answers, and the model
version it produced with its offline evaluation against the fixed-weight fit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import EventData
from schemas.fields import LongText

Metric = Field(ge=0, le=1, allow_inf_nan=False)
RetrainCause = Literal["schedule", "operator"]


class RankerRetrainRequested(EventData):
    """Someone (an operator, or matching's schedule after new answers) asked for a retrain."""

    event_type: ClassVar[str] = "ranker.retrain_requested.v1"
    subject_field: ClassVar[str] = "request_id"

    request_id: uuid.UUID
    cause: RetrainCause
    note: LongText = ""
    requested_at: datetime


class LenderEvaluation(BaseModel):
    """One lender's held-out answers ranked by the learned model and by the fixed weights."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    lender_id: uuid.UUID
    train_answers: int = Field(ge=0)
    held_out_answers: int = Field(ge=0)
    ndcg10_learned: float = Metric
    ndcg10_fixed: float = Metric
    auc_learned: float | None = Metric
    auc_fixed: float | None = Metric
    beats_fixed: bool


class RankerTrained(EventData):
    """A ranker version was trained; lenders whose held-out answers it ranks better than the
    fixed weights get their feed ordered by it, the others keep it in shadow."""

    event_type: ClassVar[str] = "ranker.trained.v1"
    subject_field: ClassVar[str] = "request_id"

    request_id: uuid.UUID
    model_version: int = Field(ge=1)
    answers: int = Field(ge=0)
    ndcg10_learned: float | None = Metric
    ndcg10_fixed: float | None = Metric
    auc_learned: float | None = Metric
    auc_fixed: float | None = Metric
    lenders: list[LenderEvaluation] = Field(max_length=100_000)
    trained_at: datetime
