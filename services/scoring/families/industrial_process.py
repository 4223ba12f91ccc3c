"""Industrial process: scrap-based electric-arc steel instead of blast furnace and converter."""

from __future__ import annotations

from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.credit_rules import Override, bound
from scoring.factors import FactorSet
from scoring.families.family import Family
from scoring.flags import warn
from scoring.methodology import Methodology, auxiliary_tco2e
from scoring.workings import MethodologyResult, Workings

VERSION = "1.0.0"
MIN_EAF_MWH_PER_T = 0.25
"""Scrap-based arc furnaces use 0.35-0.6 MWh a tonne of steel (worldsteel): less is not credible."""


def scrap_eaf_steel(w: Workings) -> MethodologyResult:
    """Scrap melted in an arc furnace avoids the BF-BOF route for that share of output.

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


METHODOLOGIES = (
    Methodology.of(
        scrap_eaf_steel,
        id="ind-scrap-eaf",
        name="Scrap-based electric-arc furnace steel",
        version=VERSION,
        types=(ProjectType.EAF_STEEL,),
        required=("steel_output_t", "scrap_share", "project_electricity_mwh"),
    ),
)


def furnace_energy_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """An arc furnace cannot melt a tonne of scrap on less electricity than physics allows."""
    a = p.activity
    electricity = a.project_electricity_mwh
    if not a.steel_output_t or electricity is None:
        return []
    per_t = electricity / a.steel_output_t
    if per_t >= MIN_EAF_MWH_PER_T:
        return []
    return [
        warn(
            "electricity_intensity_implausible",
            "project_electricity_mwh",
            f"{per_t:.3f} MWh per tonne of steel is below the {MIN_EAF_MWH_PER_T} MWh/t"
            " an electric-arc furnace needs (typically 0.35-0.6)",
        )
    ]


def credit_furnace_energy(p: ProjectSpec, _: FactorSet) -> list[Override]:
    """Electricity below what a furnace needs is credited at the least it needs."""
    a = p.activity
    if a.project_electricity_mwh is None or not a.steel_output_t:
        return []
    least = MIN_EAF_MWH_PER_T * a.steel_output_t
    rule = f"electricity_intensity_implausible: credited at {MIN_EAF_MWH_PER_T} MWh/t steel"
    return bound("project_electricity_mwh", a.project_electricity_mwh, least, rule)


FAMILY = Family(
    ProjectFamily.INDUSTRIAL_PROCESS,
    METHODOLOGIES,
    checks=furnace_energy_checks,
    credit_rules={"electricity_intensity_implausible": credit_furnace_energy},
)
