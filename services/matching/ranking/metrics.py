"""Ranking quality on held-out answers: NDCG@10 of an order and AUC of a score."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

Floats = NDArray[np.float64]


def order_by(scores: Floats) -> NDArray[np.intp]:
    """Indices from the highest score down; ties keep their given (oldest-first) order."""
    return np.argsort(-scores, kind="stable")


def ndcg_at_k(scores: Floats, acted: NDArray[np.bool_], k: int = 10) -> float:
    """Discounted gain of the top `k` by `scores` over the best possible; 0 when none acted."""
    gains = acted.astype(np.float64)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    top = gains[order_by(scores)][:k]
    ideal = np.sort(gains)[::-1][:k]
    best = float(ideal @ discounts[: len(ideal)])
    return float(top @ discounts[: len(top)]) / best if best > 0 else 0.0


def auc(scores: Floats, acted: NDArray[np.bool_]) -> float | None:
    """Chance a deal acted on scores above one not acted on; None without both kinds."""
    if acted.all() or not acted.any():
        return None
    return float(roc_auc_score(acted, scores))
