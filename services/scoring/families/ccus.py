"""Carbon capture, utilisation and storage: captured CO2 minus what capturing it emits."""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.credit_rules import Override, bound
from scoring.factors import FactorSet
from scoring.families.family import Family
from scoring.flags import warn
from scoring.methodology import Methodology, fuel_combustion_tco2e, grid_import_tco2e
from scoring.workings import MethodologyResult, Workings

VERSION = "1.0.0"
MIN_CAPTURE_MWH_PER_T = 0.05
"""Capture with compression needs 0.1-0.4 MWh a tonne of CO2 (IEA GHG): less is not credible."""


def capture_net_of_energy(w: Workings) -> MethodologyResult:
    """Stored CO2 counts only net of the electricity and fuel the capture plant consumes.

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


METHODOLOGIES = (
    Methodology.of(
        capture_net_of_energy,
        id="ccus-capture",
        name="CO2 capture net of capture energy",
        version=VERSION,
        types=(ProjectType.CCUS,),
        required=("co2_captured_t", "capture_electricity_mwh"),
    ),
)


def capture_energy_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """Capturing and compressing a tonne of CO2 takes more electricity than claimed."""
    a = p.activity
    if not a.co2_captured_t or a.capture_electricity_mwh is None:
        return []
    per_t = a.capture_electricity_mwh / a.co2_captured_t
    if per_t >= MIN_CAPTURE_MWH_PER_T:
        return []
    return [
        warn(
            "capture_energy_implausible",
            "capture_electricity_mwh",
            f"{per_t:.3f} MWh per tonne captured is below the {MIN_CAPTURE_MWH_PER_T} MWh/t"
            " that capture and compression need (typically 0.1-0.4)",
        )
    ]


def credit_capture_energy(p: ProjectSpec, _: FactorSet) -> list[Override]:
    """Capture electricity below what capture needs is credited at the least it needs."""
    a = p.activity
    if a.capture_electricity_mwh is None or not a.co2_captured_t:
        return []
    least = MIN_CAPTURE_MWH_PER_T * a.co2_captured_t
    rule = f"capture_energy_implausible: credited at {MIN_CAPTURE_MWH_PER_T} MWh/t captured"
    return bound("capture_electricity_mwh", a.capture_electricity_mwh, least, rule)


FAMILY = Family(
    ProjectFamily.CCUS,
    METHODOLOGIES,
    checks=capture_energy_checks,
    credit_rules={"capture_energy_implausible": credit_capture_energy},
)
