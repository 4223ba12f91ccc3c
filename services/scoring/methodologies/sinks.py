"""Carbon sinks: net removals of planted forest or restored wetland, area × annual rate."""

from __future__ import annotations

from schemas.vocabulary import ProjectType
from scoring.methodologies.base import Methodology
from scoring.workings import MethodologyResult, Workings

VERSION = "1.0.0"


def _removals(w: Workings, default_key: str) -> MethodologyResult:
    area = w.need("area_ha")
    rate = w.default_for("sequestration_tco2e_per_ha", default_key)
    removals = w.step("net_removals_tco2e", area * rate, "tCO2e/yr", "ha × tCO2e/ha/yr")
    return w.result(0.0, -removals)


def afforestation(w: Workings) -> MethodologyResult:
    """New forest removes CO2; without a measured rate the conservative national mean applies.

    Formula: ER = ΔC_actual − ΔC_baseline − LE = area ha × rate tCO2e/ha/yr; ΔC_baseline = 0
        (degraded land), LE = 0; default rate 3.3 tCO2e/ha/yr (China forest average)
    Source: UNFCCC AR-ACM0003 / CCER-14-001 (afforestation and reforestation)
    """
    return _removals(w, "sink.forest_default_tco2e_per_ha_yr")


def wetland_restoration(w: Workings) -> MethodologyResult:
    """Restored wetland stores carbon; the default rate is halved for unnetted methane.

    Formula: ER = area ha × rate tCO2e/ha/yr; baseline removals 0, LE = 0; default rate
        2.16 tCO2e/ha/yr (half the world wetland mean net carbon retention)
    Source: IPCC 2013 Wetlands Supplement (inland wetlands) structure; default rate from
        Mitsch et al. 2013; CCER-14-002 covers mangroves only, inland wetlands have none
    """
    return _removals(w, "sink.wetland_default_tco2e_per_ha_yr")


METHODOLOGIES = (
    Methodology.of(
        afforestation,
        id="sink-afforestation",
        name="Afforestation and reforestation carbon sink",
        version=VERSION,
        types=(ProjectType.FORESTRY,),
        required=("area_ha",),
    ),
    Methodology.of(
        wetland_restoration,
        id="sink-wetland",
        name="Wetland protection and restoration carbon sink",
        version=VERSION,
        types=(ProjectType.WETLAND,),
        required=("area_ha",),
    ),
)
