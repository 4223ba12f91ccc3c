"""Rank and percentile of every current score: overall, within its type, within its city.

Rank is competition style (ties share the best rank, "1224"); percentile is the share of the
group scoring at or below the project (the top project of a group is at 100). All of it is a
few sorts and binary searches over the whole set, so re-ranking a million scores is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Standing:
    """One project's standing."""

    rank_overall: int
    percentile_overall: float
    rank_in_type: int
    percentile_in_type: float
    rank_in_city: int
    percentile_in_city: float


@dataclass(frozen=True)
class Standings:
    """Standings of a whole set, one array entry per score, in input order."""

    rank_overall: IntArray
    percentile_overall: FloatArray
    rank_in_type: IntArray
    percentile_in_type: FloatArray
    rank_in_city: IntArray
    percentile_in_city: FloatArray

    def __len__(self) -> int:
        return int(self.rank_overall.shape[0])

    def at(self, i: int) -> Standing:
        """The standing of entry `i`."""
        return Standing(
            int(self.rank_overall[i]),
            float(self.percentile_overall[i]),
            int(self.rank_in_type[i]),
            float(self.percentile_in_type[i]),
            int(self.rank_in_city[i]),
            float(self.percentile_in_city[i]),
        )


def rank_within(scores: FloatArray, groups: IntArray) -> tuple[IntArray, FloatArray]:
    """Rank (1 = best) and percentile of each score among the scores of its group."""
    if scores.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    levels, dense = np.unique(scores, return_inverse=True)
    width = np.int64(levels.size)
    key = groups.astype(np.int64) * width + dense.astype(np.int64)
    ordered = np.sort(key)
    start = np.searchsorted(ordered, groups * width, side="left")
    at_or_below = np.searchsorted(ordered, key, side="right") - start
    size = np.searchsorted(ordered, (groups + 1) * width, side="left") - start
    rank: IntArray = (size - at_or_below + 1).astype(np.int64)
    percentile: FloatArray = np.round(100.0 * at_or_below / size, 2).astype(np.float64)
    return rank, percentile


def _codes(labels: Sequence[str]) -> IntArray:
    codes: IntArray = np.unique(np.asarray(labels, dtype=str), return_inverse=True)[1]
    return codes.astype(np.int64)


def rank(
    scores: Sequence[float] | FloatArray, types: Sequence[str], cities: Sequence[str]
) -> Standings:
    """Standings of every score (same order in and out)."""
    values = np.asarray(scores, dtype=np.float64)
    overall = rank_within(values, np.zeros(values.size, dtype=np.int64))
    by_type = rank_within(values, _codes(types))
    by_city = rank_within(values, _codes(cities))
    return Standings(*overall, *by_type, *by_city)
