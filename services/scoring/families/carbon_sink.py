"""Carbon sinks: net removals of planted forest or restored wetland, area × annual rate."""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import City, ProjectFamily, ProjectType
from scoring.estimate.credit_rules import Credit, Override
from scoring.estimate.factors import FactorSet
from scoring.estimate.methodology import methodology
from scoring.estimate.workings import FIELD_UNITS, MethodologyResult, Workings
from scoring.families.family import Family
from scoring.plausibility.flags import warn
from scoring.taxonomy import carbon_peak_plan

VERSION = "1.0.0"
SINK_RATE_CEILING = 20.0  # tCO2e/ha/yr: above the IPCC temperate maximum 16.5
SINK_DEFAULTS = {
    ProjectType.FORESTRY: "sink.forest_default_tco2e_per_ha_yr",
    ProjectType.WETLAND: "sink.wetland_default_tco2e_per_ha_yr",
}


def _removals(w: Workings, default_key: str) -> MethodologyResult:
    area = w.need("area_ha")
    rate = w.default_for("sequestration_tco2e_per_ha", default_key)
    removals = w.step("net_removals_tco2e", area * rate, "tCO2e/yr", "ha × tCO2e/ha/yr")
    return w.result(0.0, -removals)


@methodology(VERSION, "sink-afforestation", ProjectType.FORESTRY, required=("area_ha",))
def afforestation(w: Workings) -> MethodologyResult:
    """New forest removes CO2; without a measured rate the conservative national mean applies.

    Name: Afforestation and reforestation carbon sink
    Formula: ER = ΔC_actual − ΔC_baseline − LE = area ha × rate tCO2e/ha/yr; ΔC_baseline = 0
        (degraded land), LE = 0; default rate 3.3 tCO2e/ha/yr (China forest average)
    Source: UNFCCC AR-ACM0003 / CCER-14-001 (afforestation and reforestation)
    """
    return _removals(w, "sink.forest_default_tco2e_per_ha_yr")


@methodology(VERSION, "sink-wetland", ProjectType.WETLAND, required=("area_ha",))
def wetland_restoration(w: Workings) -> MethodologyResult:
    """Restored wetland stores carbon; the default rate is halved for unnetted methane.

    Name: Wetland protection and restoration carbon sink
    Formula: ER = area ha × rate tCO2e/ha/yr; baseline removals 0, LE = 0; default rate
        2.16 tCO2e/ha/yr (half the world wetland mean net carbon retention)
    Source: IPCC 2013 Wetlands Supplement (inland wetlands) structure; default rate from
        Mitsch et al. 2013; CCER-14-002 covers mangroves only, inland wetlands have none
    """
    return _removals(w, "sink.wetland_default_tco2e_per_ha_yr")


METHODOLOGIES = (afforestation, wetland_restoration)


def sink_rate_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """Removals per hectare far above what any forest or wetland reaches."""
    area = p.activity.area_ha
    if not area or annual_tco2e / area <= SINK_RATE_CEILING:
        return []
    return [
        warn(
            "sink_rate_above_norm",
            "sequestration_tco2e_per_ha",
            f"{annual_tco2e / area:,.1f} tCO2e/ha/yr is far above sink norms "
            f"(China forest mean ~3.3, IPCC temperate 5.5-16.5; ceiling 20)",
        )
    ]


def credit_sink_rate(p: ProjectSpec, factors: FactorSet) -> list[Override]:
    """A rate no sink reaches counts as no measurement: the factor set's default applies."""
    claimed, key = p.activity.sequestration_tco2e_per_ha, SINK_DEFAULTS.get(p.type)
    if claimed is None or key is None:
        return []
    default = factors.get(key).value
    field = "sequestration_tco2e_per_ha"
    rule = f"sink_rate_above_norm: credited at the conservative default {key}"
    return [Override(field, None, Credit(field, claimed, default, FIELD_UNITS[field], rule))]


def wetland_targets(p: ProjectSpec) -> tuple[str, ...]:
    """The plan's priority: protecting the Dongting Lake wetlands."""
    lake: frozenset[City] = carbon_peak_plan.DONGTING_LAKE_CITIES
    if p.type is ProjectType.WETLAND and p.city in lake:
        return ("Hunan plan priority: Dongting Lake wetland protection",)
    return ()


FAMILY = Family(
    ProjectFamily.CARBON_SINK,
    METHODOLOGIES,
    checks=sink_rate_checks,
    credit_rules={"sink_rate_above_norm": credit_sink_rate},
    carbon_peak_targets=wetland_targets,
)
