"""Energy efficiency: saved energy, recovered waste heat and upgraded coal units."""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.credit_rules import Override, bound
from scoring.estimate.factors import FactorSet
from scoring.estimate.methodology import (
    COAL_PER_TCE,
    displaced_grid_tco2e,
    generation_displacing_grid,
    methodology,
)
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.family import Family
from scoring.plausibility.flags import reject, warn
from scoring.taxonomy import carbon_peak_plan

COAL_RATE_RANGE_GCE_PER_KWH = (250.0, 450.0)  # Chinese coal units, best to worst

VERSION = "1.0.0"
SMALL_SCALE_LIMIT_GWH = 60.0
GJ_PER_GWH = 3600.0


def savings_tco2e(w: Workings) -> float:
    """Baseline emissions of the energy a measure saves: tce × EF_coal + MWh × EF_grid."""
    total = 0.0
    saved_gwh = 0.0
    tce = w.maybe("energy_saved_tce")
    if tce:
        total += w.step("saved_fuel_tco2e", tce * w.factor(COAL_PER_TCE), "tCO2e/yr", "tce × EF")
        saved_gwh += tce * w.factor("tce_gj") / GJ_PER_GWH
    mwh = w.maybe("electricity_saved_mwh")
    if mwh:
        total += displaced_grid_tco2e(w, mwh, "saved_electricity_tco2e")
        saved_gwh += mwh / 1000.0
    w.step("savings_gwh", saved_gwh, "GWh/yr", "tce × 29.3076 GJ / 3,600 + MWh / 1,000")
    scale = "small scale (AMS-II)" if saved_gwh <= SMALL_SCALE_LIMIT_GWH else "large scale"
    w.note("scale", scale, "AMS-II small-scale limit: 60 GWh/yr of savings")
    return total


@methodology(
    VERSION,
    "ee-energy-savings",
    ProjectType.ENERGY_EFFICIENCY,
    required=(("energy_saved_tce", "electricity_saved_mwh"),),
)
def energy_savings(w: Workings) -> MethodologyResult:
    """Saved fuel and electricity are emissions that no longer happen.

    Name: Energy efficiency: fuel and electricity saved
    Formula: ER = tce saved × EF_coal(tCO2/tce) + MWh saved × EF_grid; PE = LE = 0
    Source: UNFCCC AMS-II.C / AMS-II.D (energy efficiency; small-scale limit 60 GWh/yr)
    """
    return w.result(savings_tco2e(w), 0.0)


@methodology(
    VERSION,
    "ee-waste-heat-power",
    ProjectType.WASTE_HEAT_POWER,
    required=("annual_generation_mwh",),
)
def waste_heat_power(w: Workings) -> MethodologyResult:
    """Power from recovered waste heat displaces grid power.

    Name: Waste-heat power generation
    Formula: ER = EG × EF_grid − PE;
        PE = auxiliary fossil GJ × EF_CO2 + grid import MWh × EF_grid × (1 + TDL)
    Source: UNFCCC ACM0012 (waste energy recovery) / AMS-III.Q
    """
    return generation_displacing_grid(w)


@methodology(
    VERSION,
    "ee-coal-unit-upgrade",
    ProjectType.COAL_POWER_UPGRADE,
    required=(
        "coal_rate_before_gce_per_kwh",
        "coal_rate_after_gce_per_kwh",
        "annual_generation_mwh",
    ),
)
def coal_unit_upgrade(w: Workings) -> MethodologyResult:
    """A lower coal rate on the same output burns less coal.

    Name: Coal power unit energy-saving upgrade
    Formula: ER = (rate_before − rate_after) gce/kWh × EG MWh / 1,000 × EF_coal(tCO2/tce);
        BE = rate_before × EG / 1,000 × EF_coal; PE = rate_after × EG / 1,000 × EF_coal
    Source: UNFCCC AM0061 (efficiency improvement in existing power plants) / AMS-II.B
    """
    before = w.need("coal_rate_before_gce_per_kwh")
    after = w.need("coal_rate_after_gce_per_kwh")
    generation = w.need("annual_generation_mwh")
    ef = w.factor(COAL_PER_TCE)
    baseline_tce = w.step(
        "baseline_coal_tce", before * generation / 1000.0, "tce/yr", "gce/kWh × MWh / 1e3"
    )
    project_tce = w.step(
        "project_coal_tce", after * generation / 1000.0, "tce/yr", "gce/kWh × MWh / 1e3"
    )
    return w.result(baseline_tce * ef, project_tce * ef)


METHODOLOGIES = (energy_savings, waste_heat_power, coal_unit_upgrade)


def coal_rate_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """An upgrade must lower the coal rate, and both rates must be those of a real unit."""
    a = p.activity
    before, after = a.coal_rate_before_gce_per_kwh, a.coal_rate_after_gce_per_kwh
    if p.type is not ProjectType.COAL_POWER_UPGRADE or before is None or after is None:
        return []
    low, high = COAL_RATE_RANGE_GCE_PER_KWH
    if after >= before:
        return [
            reject(
                "coal_rate_not_improved",
                "coal_rate_after_gce_per_kwh",
                f"coal rate after {after:g} is not below before {before:g} gce/kWh",
            )
        ]
    if not (low <= after and before <= high):
        return [
            warn(
                "coal_rate_outside_range",
                "coal_rate_before_gce_per_kwh",
                f"coal rates {before:g} → {after:g} gce/kWh fall outside the "
                f"{low:g}-{high:g} gce/kWh range of Chinese coal units",
            )
        ]
    return []


def credit_coal_rates(p: ProjectSpec, _: FactorSet) -> list[Override]:
    """Rates outside the range of real units are credited at its nearest end."""
    a, (low, high) = p.activity, COAL_RATE_RANGE_GCE_PER_KWH
    found = []
    rule = f"coal_rate_outside_range: credited within {low:g}-{high:g} gce/kWh"
    before, after = a.coal_rate_before_gce_per_kwh, a.coal_rate_after_gce_per_kwh
    if before is not None and before > high:
        found += bound("coal_rate_before_gce_per_kwh", before, high, rule)
    if after is not None and after < low:
        found += bound("coal_rate_after_gce_per_kwh", after, low, rule)
    return found


def coal_upgrade_targets(p: ProjectSpec) -> tuple[str, ...]:
    """The plan's priority: upgrading coal units above 300 gce/kWh."""
    before = p.activity.coal_rate_before_gce_per_kwh or 0.0
    if p.type is ProjectType.COAL_POWER_UPGRADE and before > carbon_peak_plan.COAL_RATE_ABOVE:
        return (f"Hunan plan priority: coal unit upgrade ({before:g} gce/kWh > 300)",)
    return ()


FAMILY = Family(
    ProjectFamily.ENERGY_EFFICIENCY,
    METHODOLOGIES,
    checks=coal_rate_checks,
    capacity_factor_norms={ProjectType.WASTE_HEAT_POWER: 0.95},
    credit_rules={"coal_rate_outside_range": credit_coal_rates},
    carbon_peak_targets=coal_upgrade_targets,
)
