"""What the ranker sees of a deal: the fixed fit's parts and the project's and mandate's facts.

Every feature comes from the `deal.matched.v1` payload the deal was opened with, so training
(on answered deals) and ranking (of open deals) read the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.matching.fit import WEIGHTS
from schemas.vocabulary import City, ProjectFamily

Floats = NDArray[np.float64]

FIT_PARTS = tuple(WEIGHTS)
NUMERIC = ("log10_financing_need_cny", "log10_annual_tco2e", "data_quality_tier")
FEATURE_NAMES: tuple[str, ...] = (
    *(f"fit_{name}" for name in FIT_PARTS),
    *NUMERIC,
    *(f"family_{f.value}" for f in ProjectFamily),
    *(f"city_{c.value}" for c in City),
)


def deal_features(matched: Mapping[str, Any]) -> list[float]:
    """One deal's feature row, in `FEATURE_NAMES` order, from its matched payload."""
    project = matched["project"]
    parts = {p["name"]: float(p["value"]) for p in matched["explanation"]["parts"]}
    return [
        *(parts.get(name, 0.0) for name in FIT_PARTS),
        math.log10(float(project["financing_need_cny"])),
        math.log10(1.0 + max(float(project["annual_tco2e"]), 0.0)),
        float(project["data_quality_tier"]),
        *(1.0 if project["family"] == f.value else 0.0 for f in ProjectFamily),
        *(1.0 if project["city"] == c.value else 0.0 for c in City),
    ]


def feature_matrix(matched: Sequence[Mapping[str, Any]]) -> Floats:
    """Rows of `deal_features`, shaped (deals, features) even when there are none."""
    rows = [deal_features(m) for m in matched]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
