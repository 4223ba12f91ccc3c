"""Energy storage: only renewable energy that would otherwise be curtailed earns a reduction."""

from __future__ import annotations

from schemas.vocabulary import ProjectType
from scoring.methodologies.base import Methodology, auxiliary_tco2e, displaced_grid_tco2e
from scoring.workings import MethodologyResult, Workings

VERSION = "1.0.0"


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
