"""Carbon capture, utilisation and storage: captured CO2 minus what capturing it emits."""

from __future__ import annotations

from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.methodology import fuel_combustion_tco2e, grid_import_tco2e, methodology
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.activity_norm import ActivityNorm
from scoring.families.family import Family

VERSION = "1.0.0"
MIN_CAPTURE_MWH_PER_T = 0.05
"""Capture with compression needs 0.1-0.4 MWh a tonne of CO2 (IEA GHG): less is not credible."""


@methodology(
    VERSION,
    "ccus-capture",
    ProjectType.CCUS,
    required=("co2_captured_t", "capture_electricity_mwh"),
)
def capture_net_of_energy(w: Workings) -> MethodologyResult:
    """Stored CO2 counts only net of the electricity and fuel the capture plant consumes.

    Name: CO2 capture net of capture energy
    Formula: ER = CO2 captured t − capture MWh × EF_grid × (1 + TDL) − capture fuel GJ × EF_CO2;
        storage leakage not modelled (permanent storage assumed)
    Source: CDM modalities for CCS (decision 10/CMP.7); ISO 27919-1 capture performance
    """
    captured = w.need("co2_captured_t")
    mwh = w.need("capture_electricity_mwh")
    project = grid_import_tco2e(w, mwh, "pe_capture_electricity_tco2e")
    fuel_gj = w.maybe("project_fuel_gj")
    if fuel_gj:
        project += fuel_combustion_tco2e(w, w.fuel("project_fuel"), fuel_gj, "pe_fuel_tco2e")
    return w.result(captured, project)


METHODOLOGIES = (capture_net_of_energy,)


CAPTURE_ENERGY = ActivityNorm(
    code="capture_energy_implausible",
    field="capture_electricity_mwh",
    per="co2_captured_t",
    limit=MIN_CAPTURE_MWH_PER_T,
    floor=True,
    reason="{value:.3f} MWh per tonne captured is below the {limit} MWh/t"
    " that capture and compression need (typically 0.1-0.4)",
    rule="capture_energy_implausible: credited at {limit} MWh/t captured",
)


FAMILY = Family(
    ProjectFamily.CCUS,
    METHODOLOGIES,
    norms=(CAPTURE_ENERGY,),
)
