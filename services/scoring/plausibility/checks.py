"""Hard plausibility checks: physics and published norms, no peers needed.

`reject`: physically impossible (`schemas.physical_limits`, the rules the registry also
enforces, still met in versions stored before it did) or no net reduction; `warn`: above a
norm (a type's capacity factor, money intensity, the norms each family's module checks) or a
declared factor far from the official one.
"""

from __future__ import annotations

from schemas.physical_limits import HOURS_PER_YEAR, breaches
from schemas.project import ProjectSpec
from schemas.scoring import Flag
from scoring.estimate.factors import FactorSet, official_value
from scoring.families import CAPACITY_FACTOR_NORMS, FAMILY_OF
from scoring.plausibility.flags import reject, warn

MONEY_INTENSITY_CEILING = 50.0  # annual tCO2e per 10,000 CNY, i.e. under ~200 CNY/t/yr
DECLARED_FACTOR_RATIO = 1.5
CLAIM_TOLERANCE = 0.01  # a claimed annual tCO2e within 1 % of the computed one is rounding


def _physical(p: ProjectSpec) -> list[Flag]:
    return [reject(b.code, b.field, b.reason) for b in breaches(p.activity)]


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
            warn(
                "capacity_factor_above_norm",
                "annual_generation_mwh",
                f"capacity factor {factor:.1%} is above the {norm:.0%} norm for "
                f"{p.type.value} projects",
            )
        ]
    return []


def _money_and_claims(p: ProjectSpec, annual_tco2e: float, factors: FactorSet) -> list[Flag]:
    flags = []
    if annual_tco2e <= 0:
        flags.append(
            reject(
                "no_net_reduction",
                "activity",
                f"the methodology gives {annual_tco2e:,.1f} tCO2e/yr: no net reduction",
            )
        )
    per_10k = annual_tco2e / (float(p.capex_cny) / 1e4)
    if per_10k > MONEY_INTENSITY_CEILING:
        flags.append(
            warn(
                "money_intensity_above_norm",
                "capex_cny",
                f"{per_10k:,.1f} tCO2e/yr per 10,000 CNY of capex is above the "
                f"{MONEY_INTENSITY_CEILING:g} ceiling: capex or activity may be misstated",
            )
        )
    claimed = p.claimed_annual_tco2e
    if claimed is not None and claimed > max(annual_tco2e, 0.0) * (1 + CLAIM_TOLERANCE):
        flags.append(
            warn(
                "claimed_above_computed",
                "claimed_annual_tco2e",
                f"claimed {claimed:,.1f} tCO2e/yr is above the {annual_tco2e:,.1f} tCO2e/yr the "
                "methodology computes from the activity data: credited at most the computed value",
            )
        )
    declared = p.declared_factor
    held_to = None if declared is None else official_value(factors, declared.factor, p.province)
    if declared is not None and held_to is not None:
        official, origin = held_to
        ratio = declared.value / official
        if not 1 / DECLARED_FACTOR_RATIO <= ratio <= DECLARED_FACTOR_RATIO:
            flags.append(
                warn(
                    "declared_factor_far_from_default",
                    "declared_factor",
                    f"declared {declared.factor} {declared.value:g} is {ratio:.2f}× the "
                    f"{origin} value {official:g}",
                )
            )
    return flags


def hard_checks(project: ProjectSpec, annual_tco2e: float, factors: FactorSet) -> list[Flag]:
    """Physical and policy checks that need no peers."""
    return (
        _physical(project)
        + _generation(project)
        + FAMILY_OF[project.type].flags(project, annual_tco2e)
        + _money_and_claims(project, annual_tco2e, factors)
    )
