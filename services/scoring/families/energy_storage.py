"""Energy storage: only renewable energy that would otherwise be curtailed earns a reduction."""

from __future__ import annotations

from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.methodology import auxiliary_tco2e, displaced_grid_tco2e, methodology
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.activity_norm import ActivityNorm
from scoring.families.family import Family

VERSION = "1.0.0"
MAX_STORAGE_CYCLES_PER_YEAR = 550.0
"""Grid batteries cycle at most once or twice a day: 1.5 full cycles a day all year."""


@methodology(
    VERSION,
    "st-avoided-curtailment",
    ProjectType.ENERGY_STORAGE,
    required=("curtailment_avoided_mwh",),
)
def avoided_curtailment(w: Workings) -> MethodologyResult:
    """Delivered energy that would have been curtailed displaces grid power; arbitrage does not.

    Name: Energy storage: avoided renewable curtailment
    Formula: ER = curtailment avoided MWh (delivered to the grid) × EF_grid − PE;
        PE = grid charging or auxiliary MWh × EF_grid × (1 + TDL)
    Source: ACM0002 displacement logic applied to avoided curtailment only; no approved
        CDM/CCER storage methodology
    """
    delivered = w.need("curtailment_avoided_mwh")
    w.maybe("storage_energy_mwh")
    return w.result(displaced_grid_tco2e(w, delivered), auxiliary_tco2e(w))


METHODOLOGIES = (avoided_curtailment,)


CYCLES = ActivityNorm(
    code="storage_cycles_exceed_physical_limit",
    field="curtailment_avoided_mwh",
    per="storage_energy_mwh",
    limit=MAX_STORAGE_CYCLES_PER_YEAR,
    floor=False,
    reason="{value:,.0f} full cycles a year exceeds the ~{limit:.0f} a grid battery can deliver"
    " (1.5 a day)",
    rule="storage_cycles_exceed_physical_limit: credited at {limit:g} cycles",
)


FAMILY = Family(
    ProjectFamily.ENERGY_STORAGE,
    METHODOLOGIES,
    norms=(CYCLES,),
    output_bound=CYCLES.credit,
)
