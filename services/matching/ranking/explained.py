"""The learned part of a deal's explanation, and a lender's open deals in both orders."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from matching.ranking.features import feature_matrix
from matching.ranking.metrics import order_by
from matching.ranking.model import Contribution, LenderModel
from matching.ranking.ordering import OrderedBy


class LearnedExplanation(BaseModel):
    """What the lender's model makes of a deal: the chance it acts, and the features that
    moved that chance most (log-odds, from the model's baseline `intercept`)."""

    model_config = ConfigDict(frozen=True)

    model_version: int
    probability: float
    intercept: float
    contributions: list[Contribution]
    orders_feed: bool


class RankedDeal(BaseModel):
    """One deal awaiting the lender's answer, with its place in each order."""

    model_config = ConfigDict(frozen=True)

    deal_id: uuid.UUID
    project_id: uuid.UUID
    project_name: str
    family: str
    city: str
    fit_score: float
    fixed_rank: int
    learned_rank: int | None
    learned: LearnedExplanation | None


def explain(
    model: LenderModel, version: int, orders_feed: bool, matched: Sequence[Mapping[str, Any]]
) -> list[LearnedExplanation]:
    """The learned explanation of each deal, from its matched payload."""
    x = feature_matrix(matched)
    chances = model.probabilities(x)
    return [
        LearnedExplanation(
            model_version=version,
            probability=float(chances[i]),
            intercept=model.intercept,
            contributions=model.contributions(x[i]),
            orders_feed=orders_feed,
        )
        for i in range(len(matched))
    ]


def ranked_deals(
    rows: Sequence[Mapping[str, Any]],
    learned: Sequence[LearnedExplanation] | None,
    ordered_by: OrderedBy,
) -> list[RankedDeal]:
    """Deals (rows with deal_id, project_id and matched) in the chosen order, each with its
    rank under the fixed weights and, when a model exists, under the model."""
    fit = np.array([float(r["matched"]["fit_score"]) for r in rows], dtype=np.float64)
    fixed_rank = _ranks(fit)
    learned_rank = (
        _ranks(np.array([e.probability for e in learned], dtype=np.float64)) if learned else None
    )
    deals = [
        RankedDeal(
            deal_id=r["deal_id"],
            project_id=r["project_id"],
            project_name=r["matched"]["project"]["project_name"],
            family=r["matched"]["project"]["family"],
            city=r["matched"]["project"]["city"],
            fit_score=float(fit[i]),
            fixed_rank=fixed_rank[i],
            learned_rank=learned_rank[i] if learned_rank else None,
            learned=learned[i] if learned else None,
        )
        for i, r in enumerate(rows)
    ]
    by_learned = ordered_by == "learned" and learned is not None
    return sorted(deals, key=lambda d: (d.learned_rank if by_learned else d.fixed_rank) or 0)


def _ranks(scores: np.ndarray[Any, np.dtype[np.float64]]) -> list[int]:
    """1 for the highest score; ties keep the given order."""
    ranks = [0] * len(scores)
    for place, i in enumerate(order_by(scores), start=1):
        ranks[int(i)] = place
    return ranks
