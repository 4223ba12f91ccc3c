"""Every project type's profile in one table, with the weights that pick types and cities."""

from __future__ import annotations

from itertools import accumulate

from schemas.vocabulary import ProjectType
from seeds.synthetic.buildings_and_transport import BUILDINGS_AND_TRANSPORT
from seeds.synthetic.efficiency_and_fuel import EFFICIENCY_AND_FUEL
from seeds.synthetic.geography import CITIES
from seeds.synthetic.renewable_power import RENEWABLE_POWER
from seeds.synthetic.shapes import Profile
from seeds.synthetic.sinks_steel_storage_ccus import SINKS_STEEL_STORAGE_CCUS

_BY_TYPE = {
    **RENEWABLE_POWER,
    **EFFICIENCY_AND_FUEL,
    **BUILDINGS_AND_TRANSPORT,
    **SINKS_STEEL_STORAGE_CCUS,
}
PROFILES: dict[ProjectType, Profile] = {t: _BY_TYPE[t] for t in ProjectType}
"""In ProjectType order: the weighted draws below depend on it."""
TYPES = tuple(PROFILES)
TYPE_CUM_WEIGHTS = tuple(accumulate(p.weight for p in PROFILES.values()))
CITY_CUM_WEIGHTS = {
    t: tuple(accumulate(p.boost.get(c, 1.0) for c in CITIES)) for t, p in PROFILES.items()
}
