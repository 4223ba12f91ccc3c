"""Expected credit issuance per vintage: a sink's or CCER project's carbon asset.

Each vintage is bounded by the credited annual reduction times the share of that calendar year
inside the crediting period (whole tonnes, rounded down, as a registry issues them). A declared
vintage above its bound is credited at the bound, and the trace says so; without a
declaration every vintage of the period is derived at its bound. A sink without a CCER
registration is credited over its lifetime from its operation date.
"""

from __future__ import annotations

import math
from datetime import date

from schemas.carbon_assets import (
    MAX_VINTAGE_TCO2E,
    SINK_TYPES,
    ExpectedIssuance,
    VintageIssuance,
    crediting_end,
)
from schemas.project import ProjectSpec
from scoring.estimate.workings import TraceEntry

_DERIVED = "derived: credited annual reduction × share of the year in the crediting period"


def _share_of_year(year: int, start: date, end: date) -> float:
    first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    days_in_year = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    return max(0, (last - first).days + 1) / days_in_year


def expected_issuance(
    p: ProjectSpec, annual_tco2e: float
) -> tuple[ExpectedIssuance | None, dict[str, TraceEntry]]:
    """The issuance a project may expect and the trace lines that show each vintage."""
    credits = p.carbon_credits
    if credits is None and p.type not in SINK_TYPES:
        return None, {}
    if credits is not None:
        start, end = credits.crediting_start, credits.crediting_end
        declared = {v.vintage: v.tco2e for v in credits.issuance}
    else:
        start = p.operation_date
        end = crediting_end(start, p.lifetime_years)
        declared = {}
    per_year = max(0.0, annual_tco2e)
    bound = {
        y: min(MAX_VINTAGE_TCO2E, math.floor(per_year * _share_of_year(y, start, end)))
        for y in range(start.year, end.year + 1)
    }
    basis = "declared" if declared else "derived"
    trace: dict[str, TraceEntry] = {
        "issuance_crediting_period": (
            f"{start} to {end}",
            "",
            "CCER registration (carbon_credits)" if credits else "sink: operation date + lifetime",
        ),
    }
    vintages = []
    for year in sorted(declared or bound):
        tco2e, source = bound[year], _DERIVED
        if declared:
            tco2e = min(declared[year], bound[year])
            source = (
                "declared by the project"
                if declared[year] <= bound[year]
                else f"declared {declared[year]:,} tCO2e, bounded by the credited annual "
                f"reduction × share of the year ({bound[year]:,})"
            )
        vintages.append(VintageIssuance(vintage=year, tco2e=tco2e))
        trace[f"issuance_{year}"] = (float(tco2e), "tCO2e", source)
    issuance = ExpectedIssuance(
        basis=basis, crediting_start=start, crediting_end=end, vintages=tuple(vintages)
    )
    return issuance, trace
