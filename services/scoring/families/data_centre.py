"""Data centres: a lower PUE carries the same IT load with less facility overhead."""

from __future__ import annotations

from schemas.physical_limits import HOURS_PER_YEAR
from schemas.project import ProjectSpec
from schemas.scoring import Flag
from schemas.vocabulary import ProjectFamily, ProjectType
from scoring.estimate.credit_rules import Override, bound
from scoring.estimate.factors import FactorSet
from scoring.estimate.methodology import displaced_grid_tco2e, methodology
from scoring.estimate.workings import MethodologyResult, Workings
from scoring.families.family import Family
from scoring.plausibility.flags import reject, warn
from scoring.taxonomy import carbon_peak_plan

VERSION = "1.0.0"
PUE_BEST_PRACTICE = 1.1  # the best PUE reported for a working data centre


@methodology(
    VERSION,
    "dc-pue",
    ProjectType.DATA_CENTRE_PUE,
    required=("it_load_kw", "pue_before", "pue_after"),
)
def pue_improvement(w: Workings) -> MethodologyResult:
    """Overhead electricity saved by a PUE improvement at constant IT load, over the hours the
    data centre operates (all 8,760 of the year unless the project gives fewer).

    Name: Data-centre PUE improvement
    Formula: MWh saved = IT load kW × (PUE_before − PUE_after) × operating h (default 8,760)
        / 1,000; ER = MWh saved × EF_grid; PE = LE = 0
    Source: UNFCCC AMS-II.C (demand-side efficiency); PUE as defined in GB 40879-2021
    """
    it_load_kw = w.need("it_load_kw")
    before = w.need("pue_before")
    after = w.need("pue_after")
    hours = w.maybe("operating_hours_per_year")
    if hours is None:
        hours = w.step("operating_hours_per_year", HOURS_PER_YEAR, "h/yr", "default: every hour")
    saved = it_load_kw * (before - after) * hours / 1000.0
    w.step("electricity_saved_mwh", saved, "MWh/yr", "kW × ΔPUE × h / 1e3")
    return w.result(displaced_grid_tco2e(w, saved), 0.0)


METHODOLOGIES = (pue_improvement,)


def pue_checks(p: ProjectSpec, annual_tco2e: float) -> list[Flag]:
    """The PUE must fall, and not below what the best data centres report."""
    a = p.activity
    if a.pue_before is None or a.pue_after is None:
        return []
    if a.pue_after >= a.pue_before:
        return [
            reject(
                "pue_not_improved",
                "pue_after",
                f"pue_after {a.pue_after:g} is not below pue_before {a.pue_before:g}",
            )
        ]
    if a.pue_after < PUE_BEST_PRACTICE:
        return [
            warn(
                "pue_below_best_practice",
                "pue_after",
                f"pue_after {a.pue_after:g} is below the best reported ~1.1",
            )
        ]
    return []


def credit_pue(p: ProjectSpec, _: FactorSet) -> list[Override]:
    """A PUE below best practice is credited at best practice."""
    after = p.activity.pue_after
    rule = f"pue_below_best_practice: credited at {PUE_BEST_PRACTICE}"
    return [] if after is None else bound("pue_after", after, PUE_BEST_PRACTICE, rule)


def pue_targets(p: ProjectSpec) -> tuple[str, ...]:
    """The plan's PUE target met, and its retrofit priority served."""
    a, found = p.activity, []
    if a.pue_after is not None and a.pue_after <= carbon_peak_plan.PUE_TARGET:
        found.append(f"Hunan plan target met: PUE {a.pue_after:g} ≤ {carbon_peak_plan.PUE_TARGET}")
    if a.pue_before is not None and a.pue_before > carbon_peak_plan.PUE_RETROFIT_ABOVE:
        found.append(
            f"Hunan plan priority: retrofit of data centres above PUE 1.5 (before {a.pue_before:g})"
        )
    return tuple(found)


FAMILY = Family(
    ProjectFamily.DATA_CENTRE,
    METHODOLOGIES,
    checks=pue_checks,
    credit_rules={"pue_below_best_practice": credit_pue},
    carbon_peak_targets=pue_targets,
)
