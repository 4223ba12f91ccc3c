"""Undisclosed preferences of three demo lenders, which drive the seeded stream of answers.

No mandate term states them and the platform never reads this module: the seed flow uses it
to decide, deal by deal, whether the lender shows interest or declines, and the deal ranker
must find the preferences from those answers alone (docs/matching.md, "Learning from
lenders' answers"). Each preference is a logistic model over a project's family, city, size
and data quality; an answer is drawn from it with a random source fixed by lender and deal.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DECLINE_REASON = "outside our current credit appetite / 不符合本行当前授信偏好"


@dataclass(frozen=True)
class Preference:
    """Log-odds that a lender acts on a deal: a base, plus terms for what it likes."""

    base: float
    families: Mapping[str, float] = field(default_factory=dict)
    cities: Mapping[str, float] = field(default_factory=dict)
    per_log10_need: float = 0.0  # per tenfold financing need above 10 million CNY
    good_data: float = 0.0  # data-quality tier 1 or 2

    def log_odds(self, project: Mapping[str, Any]) -> float:
        need = math.log10(float(project["financing_need_cny"])) - 7.0
        return (
            self.base
            + self.families.get(project["family"], 0.0)
            + self.cities.get(project["city"], 0.0)
            + self.per_log10_need * need
            + (self.good_data if int(project["data_quality_tier"]) <= 2 else 0.0)
        )


PREFERENCES: dict[uuid.UUID, Preference] = {
    # 中国农业银行湖南省分行: carbon sinks and small loans in the west, little appetite in Changsha.
    uuid.UUID("d353dde7-9971-570a-bc1f-aab136af6438"): Preference(
        base=-0.5,
        families={"carbon_sink": 2.5, "renewable_power": -0.5},
        cities={"changsha": -2.0, "xiangxi": 1.5, "huaihua": 1.5, "zhangjiajie": 1.0},
        per_log10_need=-1.5,
    ),
    # 兴业银行长沙分行: buildings and data centres with good data; little for efficiency retrofits.
    uuid.UUID("08db990d-2735-56eb-9c63-aa3a5ae2e9e3"): Preference(
        base=-0.5,
        families={"green_building": 2.5, "data_centre": 2.0, "energy_efficiency": -1.5},
        good_data=1.5,
    ),
    # 长沙银行: green buildings and large loans; wary of plain renewables.
    uuid.UUID("e264af6b-cbf7-5c8b-a0ef-4a535638a12c"): Preference(
        base=-0.3,
        families={"green_building": 2.5, "renewable_power": -2.0},
        per_log10_need=1.5,
    ),
}


def acts_on(lender_id: uuid.UUID, deal_id: uuid.UUID | str, project: Mapping[str, Any]) -> bool:
    """Whether the lender acts on (shows interest in) the deal; the same deal always answers
    the same way."""
    chance = 1.0 / (1.0 + math.exp(-PREFERENCES[lender_id].log_odds(project)))
    return random.Random(f"{lender_id}:{deal_id}").random() < chance
