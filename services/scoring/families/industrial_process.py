"""Industrial process: scrap-based electric-arc steel instead of blast furnace and converter."""

from __future__ import annotations

from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.methodology import auxiliary_tco2e, methodology
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.activity_norm import ActivityNorm
from scoring.families.family import Family

VERSION = "1.0.0"
MIN_EAF_MWH_PER_T = 0.25
"""Scrap-based arc furnaces use 0.35-0.6 MWh a tonne of steel (worldsteel): less is not credible."""


@methodology(
    VERSION,
    "ind-scrap-eaf",
    ProjectType.EAF_STEEL,
    required=("steel_output_t", "scrap_share", "project_electricity_mwh"),
)
def scrap_eaf_steel(w: Workings) -> MethodologyResult:
    """Scrap melted in an arc furnace avoids the BF-BOF route for that share of output.

    Name: Scrap-based electric-arc furnace steel
    Formula: BE = steel t × scrap share × EF_BF-BOF (tCO2/t crude steel);
        PE = EAF grid MWh × EF_grid × (1 + TDL) + fossil GJ × EF_CO2; ER = BE − PE
    Source: baseline-intensity approach with ISO 14404-1/-2 route boundaries; no approved
        CDM/CCER methodology for route substitution
    """
    output_t = w.need("steel_output_t")
    scrap_share = w.need("scrap_share")
    w.need("project_electricity_mwh")
    scrap_steel_t = w.step("scrap_route_steel_t", output_t * scrap_share, "t/yr", "t × scrap share")
    baseline = scrap_steel_t * w.factor("steel.bf_bof_tco2_per_t")
    return w.result(baseline, auxiliary_tco2e(w))


METHODOLOGIES = (scrap_eaf_steel,)


FURNACE_ENERGY = ActivityNorm(
    code="electricity_intensity_implausible",
    field="project_electricity_mwh",
    per="steel_output_t",
    limit=MIN_EAF_MWH_PER_T,
    floor=True,
    reason="{value:.3f} MWh per tonne of steel is below the {limit} MWh/t"
    " an electric-arc furnace needs (typically 0.35-0.6)",
    rule="electricity_intensity_implausible: credited at {limit} MWh/t steel",
)


FAMILY = Family(
    ProjectFamily.INDUSTRIAL_PROCESS,
    METHODOLOGIES,
    norms=(FURNACE_ENERGY,),
)
