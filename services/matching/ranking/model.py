"""One lender's learned model: a logistic regression on standardized deal features.

It is stored as plain numbers (means, scales, coefficients), never pickled, so any process can
score and explain a deal with numpy: the logit is `intercept + Σ coef × z`, and each term
`coef × z` (z the standardized feature) is that feature's contribution to the explanation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from matching.ranking.features import FEATURE_NAMES

Floats = NDArray[np.float64]
# Inverse L2 strength: a few hundred answers per lender, about thirty features.
REGULARIZATION_C = 0.5
SHOWN_CONTRIBUTIONS = 6


class Contribution(BaseModel):
    """One feature's push on the log-odds that the lender acts: `coefficient × standardized`."""

    model_config = ConfigDict(frozen=True)

    feature: str
    value: float
    contribution: float


@dataclass(frozen=True)
class LenderModel:
    """The fitted numbers of one lender's model, in `FEATURE_NAMES` order."""

    lender_id: uuid.UUID
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def terms(self, x: Floats) -> Floats:
        """Per deal (rows) and feature (columns): coefficient × standardized value."""
        z = (x - np.array(self.mean)) / np.array(self.scale)
        terms: Floats = z * np.array(self.coef)
        return terms

    def probabilities(self, x: Floats) -> Floats:
        """Chance each deal (row of `x`) is acted on."""
        logits = self.intercept + self.terms(x).sum(axis=1)
        chances: Floats = 1.0 / (1.0 + np.exp(-logits))
        return chances

    def contributions(self, row: Floats, top: int = SHOWN_CONTRIBUTIONS) -> list[Contribution]:
        """The features that moved one deal's chance most, strongest first."""
        terms = self.terms(row.reshape(1, -1))[0]
        strongest = np.argsort(-np.abs(terms), kind="stable")[:top]
        return [
            Contribution(
                feature=FEATURE_NAMES[i], value=float(row[i]), contribution=float(terms[i])
            )
            for i in strongest
            if terms[i] != 0.0
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(FEATURE_NAMES),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, lender_id: uuid.UUID, doc: dict[str, Any]) -> LenderModel | None:
        """None when the stored model was fitted on other features (an older release)."""
        if tuple(doc["features"]) != FEATURE_NAMES:
            return None
        return cls(
            lender_id,
            tuple(doc["mean"]),
            tuple(doc["scale"]),
            tuple(doc["coef"]),
            float(doc["intercept"]),
        )


def fit_lender_model(lender_id: uuid.UUID, x: Floats, acted: NDArray[np.bool_]) -> LenderModel:
    """Fit on one lender's answers (both outcomes present); deterministic for the same data."""
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    model = LogisticRegression(C=REGULARIZATION_C, max_iter=500).fit(z, acted)
    return LenderModel(
        lender_id,
        tuple(float(v) for v in scaler.mean_),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in model.coef_[0]),
        float(model.intercept_[0]),
    )
