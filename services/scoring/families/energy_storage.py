"""Energy storage: only renewable energy that would otherwise be curtailed earns a reduction."""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.credit_rules import Override, bound
from scoring.factors import FactorSet
from scoring.families.family import Family
from scoring.flags import warn
from scoring.methodology import Methodology, auxiliary_tco2e, displaced_grid_tco2e
from scoring.workings import MethodologyResult, Workings

VERSION = "1.0.0"
MAX_STORAGE_CYCLES_PER_YEAR = 550.0
"""Grid batteries cycle at most once or twice a day: 1.5 full cycles a day all year."""


def avoided_curtailment(w: Workings) -> MethodologyResult:
    """Delivered energy that would have been curtailed displaces grid power; arbitrage does not.

    Formula: ER = curtailment avoided MWh (delivered to the grid) × EF_grid − PE;
        PE = grid charging or auxiliary MWh × EF_grid × (1 + TDL)
    Source: ACM0002 displacement logic applied to avoided curtailment only; no approved
        CDM/CCER storage methodology
    """
    delivered = w.need("curtailment_avoided_mwh")
    w.maybe("storage_energy_mwh")
    return w.result(displaced_grid_tco2e(w, delivered), auxiliary_tco2e(w))


METHODOLOGIES = (
    Methodology.of(
        avoided_curtailment,
        id="st-avoided-curtailment",
        name="Energy storage: avoided renewable curtailment",
        version=VERSION,
        types=(ProjectType.ENERGY_STORAGE,),
        required=("curtailment_avoided_mwh",),
    ),
)


def cycle_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """More full cycles a year than a grid battery can deliver."""
    a = p.activity
    if not a.storage_energy_mwh or not a.curtailment_avoided_mwh:
        return []
    cycles = a.curtailment_avoided_mwh / a.storage_energy_mwh
    if cycles <= MAX_STORAGE_CYCLES_PER_YEAR:
        return []
    return [
        warn(
            "storage_cycles_exceed_physical_limit",
            "curtailment_avoided_mwh",
            f"{cycles:,.0f} full cycles a year exceeds the "
            f"~{MAX_STORAGE_CYCLES_PER_YEAR:.0f} a grid battery can deliver (1.5 a day)",
        )
    ]


def credit_cycles(p: ProjectSpec, _: FactorSet) -> list[Override]:
    """Energy beyond what the cycles allow is credited at the most they deliver."""
    a = p.activity
    if a.curtailment_avoided_mwh is None or not a.storage_energy_mwh:
        return []
    most = MAX_STORAGE_CYCLES_PER_YEAR * a.storage_energy_mwh
    rule = (
        f"storage_cycles_exceed_physical_limit: credited at {MAX_STORAGE_CYCLES_PER_YEAR:g} cycles"
    )
    return bound("curtailment_avoided_mwh", a.curtailment_avoided_mwh, most, rule)


FAMILY = Family(
    ProjectFamily.ENERGY_STORAGE,
    METHODOLOGIES,
    checks=cycle_checks,
    credit_rules={"storage_cycles_exceed_physical_limit": credit_cycles},
    output_bound=credit_cycles,
)
