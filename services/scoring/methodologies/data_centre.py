"""Data centres: a lower PUE carries the same IT load with less facility overhead."""

from __future__ import annotations

from schemas.vocabulary import ProjectType
from scoring.methodologies.base import Methodology, displaced_grid_tco2e
from scoring.workings import MethodologyResult, Workings

VERSION = "1.0.0"
HOURS_PER_YEAR = 8760.0


def pue_improvement(w: Workings) -> MethodologyResult:
    """Overhead electricity saved by a PUE improvement at constant IT load.

    Formula: MWh saved = IT load kW × (PUE_before − PUE_after) × 8,760 h / 1,000;
        ER = MWh saved × EF_grid; PE = LE = 0
    Source: UNFCCC AMS-II.C (demand-side efficiency); PUE as defined in GB 40879-2021
    """
    it_load_kw = w.need("it_load_kw")
    before = w.need("pue_before")
    after = w.need("pue_after")
    saved = it_load_kw * (before - after) * HOURS_PER_YEAR / 1000.0
    w.step("electricity_saved_mwh", saved, "MWh/yr", "kW × ΔPUE × 8,760 h / 1e3")
    return w.result(displaced_grid_tco2e(w, saved), 0.0)


METHODOLOGIES = (
    Methodology.of(
        pue_improvement,
        id="dc-pue",
        name="Data-centre PUE improvement",
        version=VERSION,
        types=(ProjectType.DATA_CENTRE_PUE,),
        required=("it_load_kw", "pue_before", "pue_after"),
    ),
)
