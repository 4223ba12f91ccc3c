"""The 0-100 score, on fixed reference scales so a score never depends on its batch.

    score = 100 × (0.45·I + 0.35·C + 0.20·Q) − 10 per warn flag, clipped to [0, 100];
    any reject flag, or no net reduction, makes the score 0.

- I, reduction intensity: annual tCO2e per 10,000 CNY of capex on a log scale,
  0.01 → 0 and 10 → 1 (a wind farm at ~2 t per 10,000 CNY scores ~0.77).
- C, cost-effectiveness: abatement cost = capex / lifetime tCO2e on a log scale,
  2,000 CNY/t → 0 and 20 CNY/t → 1.
- Q, data quality: (5 − tier) / 4, so tier 1 → 1 and tier 5 → 0.

Fixed scales make a replay, a single estimate and a batch agree; relative standing (rank and
percentile) is `scoring.score.ranking`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from schemas.scoring import Flag, FlagSeverity

FloatArray = npt.NDArray[np.float64]
WEIGHTS = {"intensity": 0.45, "cost": 0.35, "quality": 0.20}
INTENSITY_SCALE = (0.01, 10.0)  # annual tCO2e per 10,000 CNY: score 0 at low, 1 at high
COST_SCALE = (2000.0, 20.0)  # CNY per lifetime tCO2e: score 0 at the first, 1 at the second
WARN_PENALTY_POINTS = 10.0


@dataclass(frozen=True)
class ScoreParts:
    """Score, its components and the intensities behind them, one array entry per project."""

    tco2e_per_10k_cny: FloatArray
    intensity: FloatArray
    cost: FloatArray
    quality: FloatArray
    penalty: FloatArray
    score: FloatArray

    def components(self, k: int) -> tuple[float, float, float, float]:
        """Intensity, cost and quality parts of project `k` (4 places) and its penalty points."""
        return (
            round(float(self.intensity[k]), 4),
            round(float(self.cost[k]), 4),
            round(float(self.quality[k]), 4),
            float(self.penalty[k]),
        )


def _log_scale(values: FloatArray, zero_at: float, one_at: float) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scaled = np.log(values / zero_at) / np.log(one_at / zero_at)
    clipped: FloatArray = np.clip(np.nan_to_num(scaled, nan=0.0, posinf=1.0, neginf=0.0), 0, 1)
    return clipped


def score_components(
    annual_tco2e: FloatArray,
    lifetime_tco2e: FloatArray,
    capex_cny: FloatArray,
    tiers: npt.NDArray[np.int64],
    flags: Sequence[Sequence[Flag]],
) -> ScoreParts:
    """Vectorized score of a batch; `flags[k]` are project k's plausibility flags."""
    per_10k = np.round(annual_tco2e / (capex_cny / 1e4), 6)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cost = np.where(lifetime_tco2e > 0, capex_cny / lifetime_tco2e, np.inf)
    intensity = _log_scale(np.where(per_10k > 0, per_10k, 0.0), *INTENSITY_SCALE)
    cost_part = _log_scale(1.0 / cost, 1.0 / COST_SCALE[0], 1.0 / COST_SCALE[1])
    quality = (5.0 - tiers.astype(np.float64)) / 4.0
    warns = np.array(
        [sum(f.severity is FlagSeverity.WARN for f in fs) for fs in flags], dtype=np.float64
    )
    rejected = np.array(
        [any(f.severity is FlagSeverity.REJECT for f in fs) for fs in flags], dtype=bool
    )
    penalty = WARN_PENALTY_POINTS * warns
    raw = 100.0 * (
        WEIGHTS["intensity"] * intensity
        + WEIGHTS["cost"] * cost_part
        + WEIGHTS["quality"] * quality
    )
    score = np.where(rejected | (annual_tco2e <= 0), 0.0, np.clip(raw - penalty, 0.0, 100.0))
    rounded: FloatArray = np.round(score, 2).astype(np.float64)
    return ScoreParts(per_10k, intensity, cost_part, quality, np.minimum(penalty, 100.0), rounded)
