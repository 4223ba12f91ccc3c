"""Hard plausibility checks: physics and published norms, no peers needed.

`reject`: physically impossible (`schemas.physical_limits`, the rules the registry also
enforces, still met in versions stored before it did) or no net reduction; `warn`: above a
type's norm (capacity factor, sink rate ~20 tCO2e/ha/yr, money intensity) or a declared factor
far from the official one.
"""

from __future__ import annotations

from schemas.physical_limits import HOURS_PER_YEAR, breaches
from schemas.project import ProjectSpec
from schemas.scoring import Flag, FlagSeverity
from schemas.vocabulary import ProjectType
from scoring.factors import FactorSet
from scoring.operating_norms import operating_checks

T = ProjectType
CAPACITY_FACTOR_NORMS: dict[ProjectType, float] = {
    T.SOLAR_PV: 0.25,
    T.ROOFTOP_PV: 0.25,
    T.WIND: 0.45,
    T.HYDRO: 0.70,
    T.BIOMASS: 0.95,
    T.GEOTHERMAL: 0.95,
    T.WASTE_TO_ENERGY: 0.95,
    T.WASTE_HEAT_POWER: 0.95,
}
SINK_RATE_CEILING = 20.0  # tCO2e/ha/yr: above the IPCC temperate maximum 16.5
MONEY_INTENSITY_CEILING = 50.0  # annual tCO2e per 10,000 CNY, i.e. under ~200 CNY/t/yr
DECLARED_FACTOR_RATIO = 1.5
CLAIM_TOLERANCE = 0.01  # a claimed annual tCO2e within 1 % of the computed one is rounding
COAL_RATE_RANGE_GCE_PER_KWH = (250.0, 450.0)
PUE_BEST_PRACTICE = 1.1


def _reject(code: str, field: str, reason: str) -> Flag:
    return Flag(code=code, field=field, severity=FlagSeverity.REJECT, reason=reason)


def _warn(code: str, field: str, reason: str) -> Flag:
    return Flag(code=code, field=field, severity=FlagSeverity.WARN, reason=reason)


def _physical(p: ProjectSpec) -> list[Flag]:
    return [_reject(b.code, b.field, b.reason) for b in breaches(p.activity)]


def _generation(p: ProjectSpec) -> list[Flag]:
    """Capacity factor above the type's norm (above 100 % is `_physical`'s)."""
    a = p.activity
    produced = a.annual_generation_mwh
    norm = CAPACITY_FACTOR_NORMS.get(p.type)
    if produced is None or not a.capacity_mw or norm is None:
        return []
    factor = produced / (a.capacity_mw * HOURS_PER_YEAR)
    if norm < factor <= 1.0:
        return [
            _warn(
                "capacity_factor_above_norm",
                "annual_generation_mwh",
                f"capacity factor {factor:.1%} is above the {norm:.0%} norm for "
                f"{p.type.value} projects",
            )
        ]
    return []


def _type_rules(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    a, flags = p.activity, []
    if (
        a.area_ha
        and p.type in (T.FORESTRY, T.WETLAND)
        and annual_tco2e / a.area_ha > SINK_RATE_CEILING
    ):
        flags.append(
            _warn(
                "sink_rate_above_norm",
                "sequestration_tco2e_per_ha",
                f"{annual_tco2e / a.area_ha:,.1f} tCO2e/ha/yr is far above sink norms "
                f"(China forest mean ~3.3, IPCC temperate 5.5-16.5; ceiling 20)",
            )
        )
    if p.type is T.DATA_CENTRE_PUE and a.pue_before is not None and a.pue_after is not None:
        if a.pue_after >= a.pue_before:
            flags.append(
                _reject(
                    "pue_not_improved",
                    "pue_after",
                    f"pue_after {a.pue_after:g} is not below pue_before {a.pue_before:g}",
                )
            )
        elif a.pue_after < PUE_BEST_PRACTICE:
            flags.append(
                _warn(
                    "pue_below_best_practice",
                    "pue_after",
                    f"pue_after {a.pue_after:g} is below the best reported ~1.1",
                )
            )
    before, after = a.coal_rate_before_gce_per_kwh, a.coal_rate_after_gce_per_kwh
    if p.type is T.COAL_POWER_UPGRADE and before is not None and after is not None:
        low, high = COAL_RATE_RANGE_GCE_PER_KWH
        if after >= before:
            flags.append(
                _reject(
                    "coal_rate_not_improved",
                    "coal_rate_after_gce_per_kwh",
                    f"coal rate after {after:g} is not below before {before:g} gce/kWh",
                )
            )
        elif not (low <= after and before <= high):
            flags.append(
                _warn(
                    "coal_rate_outside_range",
                    "coal_rate_before_gce_per_kwh",
                    f"coal rates {before:g} → {after:g} gce/kWh fall outside the "
                    f"{low:g}-{high:g} gce/kWh range of Chinese coal units",
                )
            )
    if p.type is T.HYDRO and a.capacity_mw and a.reservoir_area_km2:
        density = a.capacity_mw / a.reservoir_area_km2
        if density <= 4.0:
            flags.append(
                _warn(
                    "hydro_power_density_low",
                    "reservoir_area_km2",
                    f"power density {density:.2f} W/m² ≤ 4: ACM0002 credits nothing",
                )
            )
    return flags


def _money_and_claims(p: ProjectSpec, annual_tco2e: float, factors: FactorSet) -> list[Flag]:
    flags = []
    if annual_tco2e <= 0:
        flags.append(
            _reject(
                "no_net_reduction",
                "activity",
                f"the methodology gives {annual_tco2e:,.1f} tCO2e/yr: no net reduction",
            )
        )
    per_10k = annual_tco2e / (float(p.capex_cny) / 1e4)
    if per_10k > MONEY_INTENSITY_CEILING:
        flags.append(
            _warn(
                "money_intensity_above_norm",
                "capex_cny",
                f"{per_10k:,.1f} tCO2e/yr per 10,000 CNY of capex is above the "
                f"{MONEY_INTENSITY_CEILING:g} ceiling: capex or activity may be misstated",
            )
        )
    claimed = p.claimed_annual_tco2e
    if claimed is not None and claimed > max(annual_tco2e, 0.0) * (1 + CLAIM_TOLERANCE):
        flags.append(
            _warn(
                "claimed_above_computed",
                "claimed_annual_tco2e",
                f"claimed {claimed:,.1f} tCO2e/yr is above the {annual_tco2e:,.1f} tCO2e/yr the "
                "methodology computes from the activity data: credited at most the computed value",
            )
        )
    declared = p.declared_factor
    if declared is not None and declared.factor in factors.values:
        official = factors.values[declared.factor].value
        ratio = declared.value / official
        if not 1 / DECLARED_FACTOR_RATIO <= ratio <= DECLARED_FACTOR_RATIO:
            flags.append(
                _warn(
                    "declared_factor_far_from_default",
                    "declared_factor",
                    f"declared {declared.factor} {declared.value:g} is {ratio:.2f}× the "
                    f"{factors.id} value {official:g}",
                )
            )
    return flags


def hard_checks(project: ProjectSpec, annual_tco2e: float, factors: FactorSet) -> list[Flag]:
    """Physical and policy checks that need no peers."""
    return (
        _physical(project)
        + _generation(project)
        + _type_rules(project, annual_tco2e)
        + operating_checks(project)
        + _money_and_claims(project, annual_tco2e, factors)
    )
