"""The carbon-reduction-facility quarterly table: per lender and field, three windows. Pure.

Only disbursements under the carbon_reduction_facility_loan instrument count. Per window:
distinct projects, loan amount, the amount-weighted average rate, and the annual tCO2e the
loans drive (attributed as loan / project capex × annual tCO2e of the latest score).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from audit.flows import ZERO, FinancingRow, attributed_tco2e
from audit.periods import Quarter

CRF_INSTRUMENT = "carbon_reduction_facility_loan"
ALL_FIELDS = "all"
UNCLASSIFIED = "unclassified"
CENTS = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
TONNE_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class CrfFigures:
    projects: int
    loan_amount_cny: Decimal
    weighted_rate_percent: Decimal | None
    annual_tco2e_driven: Decimal


@dataclass(frozen=True)
class CrfRow:
    lender_id: uuid.UUID
    field: str
    quarter: CrfFigures
    year_to_date: CrfFigures
    since_inception: CrfFigures


def is_crf_disbursement(row: FinancingRow) -> bool:
    return row.kind == "disbursed" and row.instrument == CRF_INSTRUMENT


def figures(rows: Iterable[FinancingRow], first: date | None, last: date) -> CrfFigures:
    """The four disclosed figures over disbursements dated first..last (inclusive)."""
    amount = rated_amount = weighted = tonnes = ZERO
    projects: set[uuid.UUID] = set()
    for row in rows:
        if row.on > last or (first is not None and row.on < first):
            continue
        projects.add(row.project_id)
        amount += row.amount_cny
        if row.rate_percent is not None:
            rated_amount += row.amount_cny
            weighted += row.amount_cny * row.rate_percent
        tonnes += attributed_tco2e(row) or ZERO
    rate = (weighted / rated_amount).quantize(RATE_PLACES) if rated_amount else None
    return CrfFigures(len(projects), amount.quantize(CENTS), rate, tonnes.quantize(TONNE_PLACES))


def crf_table(rows: Iterable[FinancingRow], quarter: Quarter) -> list[CrfRow]:
    """Rows per (lender, field) plus an `all` row per lender, sorted by lender then field."""
    cells: dict[tuple[uuid.UUID, str], list[FinancingRow]] = {}
    for row in rows:
        if not is_crf_disbursement(row) or row.on > quarter.last_day:
            continue
        for field_name in (row.crf_field or UNCLASSIFIED, ALL_FIELDS):
            cells.setdefault((row.lender_id, field_name), []).append(row)
    return [
        CrfRow(
            lender_id,
            field_name,
            figures(cell, quarter.first_day, quarter.last_day),
            figures(cell, quarter.year_start, quarter.last_day),
            figures(cell, None, quarter.last_day),
        )
        for (lender_id, field_name), cell in sorted(
            cells.items(), key=lambda item: (str(item[0][0]), item[0][1] == ALL_FIELDS, item[0][1])
        )
    ]
