"""Projects of one batch as numpy columns, in the units the mandate columns use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.lending.money import to_fen
from matching.matching.mandate_columns import Bools, fen_or_unbounded, instrument_mask
from matching.matching.project_facts import ProjectFacts


@dataclass(frozen=True)
class ProjectColumns:
    """A batch of projects as the columns the hard constraints and fit formulas read."""

    need_fen: NDArray[np.int64]
    tenor_months: NDArray[np.int64]
    score: NDArray[np.float64]
    annual_tco2e: NDArray[np.float64]
    tco2e_per_10k_cny: NDArray[np.float64]
    abatement_cost_fen: NDArray[np.int64]
    flagged: Bools
    high_emission: Bools
    instruments: NDArray[np.int64]

    @classmethod
    def of(cls, projects: Sequence[ProjectFacts]) -> ProjectColumns:
        return cls(
            np.array([to_fen(p.financing_need_cny) for p in projects], dtype=np.int64),
            np.array([p.tenor_months for p in projects], dtype=np.int64),
            np.array([p.score for p in projects], dtype=np.float64),
            np.array([p.annual_tco2e for p in projects], dtype=np.float64),
            np.array([p.tco2e_per_10k_cny for p in projects], dtype=np.float64),
            np.array(
                [fen_or_unbounded(p.abatement_cost_cny_per_tco2e) for p in projects],
                dtype=np.int64,
            ),
            np.array([p.plausibility_flagged for p in projects], dtype=np.bool_),
            np.array([p.high_energy_high_emission for p in projects], dtype=np.bool_),
            np.array([instrument_mask(p.instruments) for p in projects], dtype=np.int64),
        )
