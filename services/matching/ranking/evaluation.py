"""Training and offline evaluation on a time split, per lender.

Each lender's answers are put in the order they were given; the oldest 70% train a model and
the newest 30% are held out. On the held-out answers the learned chance and the fixed fit
score each order the deals, and NDCG@10 and AUC say how well each order puts the deals the
lender acted on first. The served model is then refitted on all the lender's answers.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from matching.ranking.metrics import auc, ndcg_at_k
from matching.ranking.model import LenderModel, fit_lender_model
from schemas.ranking import LenderEvaluation

Floats = NDArray[np.float64]
HELD_OUT_SHARE = 0.3
MIN_ANSWERS = 20  # per lender, and each outcome at least twice in training and once held out


@dataclass(frozen=True)
class Example:
    """One answered (or ignored) deal: what the ranker saw and whether the lender acted."""

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    at: datetime
    fit_score: float
    features: tuple[float, ...]
    acted: bool


@dataclass(frozen=True)
class TrainedRanker:
    """Every lender's model (where it had enough answers) and every lender's evaluation."""

    models: dict[uuid.UUID, LenderModel]
    evaluations: list[LenderEvaluation]
    answers: int

    def mean(self, metric: str) -> float | None:
        """Average of one evaluation metric over the lenders that have it."""
        values = [v for e in self.evaluations if (v := getattr(e, metric)) is not None]
        return float(np.mean(values)) if values else None


def _arrays(examples: Sequence[Example]) -> tuple[Floats, NDArray[np.bool_], Floats]:
    x = np.array([e.features for e in examples], dtype=np.float64)
    acted = np.array([e.acted for e in examples], dtype=np.bool_)
    fit = np.array([e.fit_score for e in examples], dtype=np.float64)
    return x, acted, fit


def _trainable(acted: NDArray[np.bool_], minimum: int) -> bool:
    return int(acted.sum()) >= minimum and int((~acted).sum()) >= minimum


def evaluate_lender(
    lender_id: uuid.UUID, examples: Sequence[Example]
) -> tuple[LenderModel | None, LenderEvaluation | None]:
    """The lender's served model and its held-out comparison, or None for what it lacks."""
    ordered = sorted(examples, key=lambda e: (e.at, str(e.deal_id)))
    cut = len(ordered) - max(1, round(len(ordered) * HELD_OUT_SHARE))
    train, held_out = ordered[:cut], ordered[cut:]
    x_all, acted_all, _ = _arrays(ordered)
    if len(ordered) < MIN_ANSWERS or not _trainable(acted_all, 2):
        return None, None
    x, acted, _ = _arrays(train)
    served = fit_lender_model(lender_id, x_all, acted_all)
    x_out, acted_out, fit_out = _arrays(held_out)
    if not _trainable(acted, 2) or not _trainable(acted_out, 1):
        return served, None
    learned = fit_lender_model(lender_id, x, acted).probabilities(x_out)
    ndcg_learned, ndcg_fixed = ndcg_at_k(learned, acted_out), ndcg_at_k(fit_out, acted_out)
    auc_learned, auc_fixed = auc(learned, acted_out), auc(fit_out, acted_out)
    beats = (
        ndcg_learned > ndcg_fixed
        and auc_learned is not None
        and auc_fixed is not None
        and auc_learned > auc_fixed
    )
    return served, LenderEvaluation(
        lender_id=lender_id,
        train_answers=len(train),
        held_out_answers=len(held_out),
        ndcg10_learned=ndcg_learned,
        ndcg10_fixed=ndcg_fixed,
        auc_learned=auc_learned,
        auc_fixed=auc_fixed,
        beats_fixed=beats,
    )


def train_ranker(examples: Sequence[Example]) -> TrainedRanker:
    """A model and an evaluation for every lender with enough answers of both kinds."""
    by_lender: dict[uuid.UUID, list[Example]] = defaultdict(list)
    for example in examples:
        by_lender[example.lender_id].append(example)
    models: dict[uuid.UUID, LenderModel] = {}
    evaluations: list[LenderEvaluation] = []
    for lender_id in sorted(by_lender, key=str):
        model, evaluation = evaluate_lender(lender_id, by_lender[lender_id])
        if model is not None:
            models[lender_id] = model
        if evaluation is not None:
            evaluations.append(evaluation)
    return TrainedRanker(models, evaluations, len(examples))
