"""The fit score: how well a project that passed every hard constraint suits a mandate.

Four parts, each a value between 0 and 1 times a weight, summing to at most 100:
- score (40): the project's emission-reduction score / 100;
- intensity (25): tCO2e per 10,000 CNY as t / (t + 1), half marks at 1 tCO2e per 10,000 CNY;
- ticket (25): the share of the financing need one maximum ticket covers, min(need, max) / need;
- city (10): 1 when the project's city is one the mandate focuses on (or it names none), else 0.
The formulas run on arrays so the batch matcher and the single-pair explanation agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.lending.mandates import Mandate
from matching.lending.money import cny, from_fen, to_fen
from matching.matching.project_facts import ProjectFacts
from schemas.deals import FitPart

WEIGHTS: dict[str, float] = {"score": 40.0, "intensity": 25.0, "ticket": 25.0, "city": 10.0}
INTENSITY_HALF_TCO2E_PER_10K_CNY = 1.0

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class FitInputs:
    """Column inputs of the fit formulas, one entry per (project, mandate) pair."""

    score: Floats
    tco2e_per_10k_cny: Floats
    need_fen: NDArray[np.int64]
    ticket_max_fen: NDArray[np.int64]
    in_focus: NDArray[np.bool_]


def fit_values(inputs: FitInputs) -> dict[str, Floats]:
    """Each part's value in [0, 1], per pair."""
    intensity = np.maximum(inputs.tco2e_per_10k_cny, 0.0)
    return {
        "score": inputs.score / 100.0,
        "intensity": intensity / (intensity + INTENSITY_HALF_TCO2E_PER_10K_CNY),
        "ticket": np.minimum(inputs.need_fen, inputs.ticket_max_fen) / inputs.need_fen,
        "city": inputs.in_focus.astype(np.float64),
    }


def fit_scores(inputs: FitInputs) -> Floats:
    """Fit score 0-100 per pair: the weighted sum of the part values."""
    total = np.zeros(len(inputs.score))
    for name, value in fit_values(inputs).items():
        total = total + WEIGHTS[name] * value
    return total


def in_focus(project: ProjectFacts, mandate: Mandate) -> bool:
    focus = mandate.spec.focus_cities
    return not focus or project.city in focus


def fit_parts(project: ProjectFacts, mandate: Mandate) -> tuple[list[FitPart], float]:
    """The parts of one pair's fit score with a sentence each, and the score itself."""
    inputs = FitInputs(
        np.array([project.score]),
        np.array([project.tco2e_per_10k_cny]),
        np.array([to_fen(project.financing_need_cny)], dtype=np.int64),
        np.array([to_fen(mandate.spec.ticket_max_cny)], dtype=np.int64),
        np.array([in_focus(project, mandate)]),
    )
    values = {name: float(v[0]) for name, v in fit_values(inputs).items()}
    details = {
        "score": f"project score {project.score:.1f} of 100",
        "intensity": f"{project.tco2e_per_10k_cny:.3f} tCO2e per 10,000 CNY "
        f"(half marks at {INTENSITY_HALF_TCO2E_PER_10K_CNY:g})",
        "ticket": f"one ticket of at most {cny(mandate.spec.ticket_max_cny)} covers "
        f"{values['ticket']:.0%} of the {cny(from_fen(int(inputs.need_fen[0])))} need",
        "city": _city_detail(project, mandate),
    }
    parts = [
        FitPart(
            name=name,
            weight=WEIGHTS[name],
            value=values[name],
            points=WEIGHTS[name] * values[name],
            detail=details[name],
        )
        for name in WEIGHTS
    ]
    return parts, float(fit_scores(inputs)[0])


def _city_detail(project: ProjectFacts, mandate: Mandate) -> str:
    if not mandate.spec.focus_cities:
        return f"{project.city} counts fully: the mandate names no focus cities"
    if project.city in mandate.spec.focus_cities:
        return f"{project.city} is one of the mandate's focus cities"
    return f"{project.city} is eligible but not one of the mandate's focus cities"
