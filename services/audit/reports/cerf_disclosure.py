"""The carbon-reduction-facility quarterly table: per lender and field, three windows. Pure.

Only money under the carbon_reduction_facility_loan instrument counts. Per window: distinct
projects, loan amount, the amount-weighted average rate, and the annual tCO2e the loans drive
(attributed as loan / project capex × annual tCO2e of the latest score). Per row, at the
quarter's end: the loans, their outstanding balance (drawn minus repaid), and the central bank's
refinancing: the share of each tranche's principal and the rate in force on the day it was paid
out, from the sourced rule table (audit/reports/cerf_refinancing.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from audit.reports.cerf_refinancing import RefinancingTable
from audit.reports.flows import ZERO, FinancingRow, attributed_tco2e
from audit.reports.periods import Quarter

CERF_INSTRUMENT = "carbon_reduction_facility_loan"
ALL_FIELDS = "all"
UNCLASSIFIED = "unclassified"
CENTS = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
TONNE_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class CerfFigures:
    projects: int
    loan_amount_cny: Decimal
    weighted_rate_percent: Decimal | None
    annual_tco2e_driven: Decimal


@dataclass(frozen=True)
class CerfLoan:
    """One facility loan at a quarter's end, and what the central bank refinances of it."""

    deal_id: uuid.UUID
    lender_id: uuid.UUID
    project_id: uuid.UUID
    field: str
    first_disbursed_on: date
    disbursed_cny: Decimal
    repaid_cny: Decimal
    outstanding_cny: Decimal
    refinanced_cny: Decimal
    refinancing_share: Decimal | None
    refinancing_rate_percent: Decimal | None
    rate_weight_cny: Decimal  # refinanced principal × rate, for weighted averages


@dataclass(frozen=True)
class CerfRow:
    lender_id: uuid.UUID
    field: str
    quarter: CerfFigures
    year_to_date: CerfFigures
    since_inception: CerfFigures
    loans: int = 0
    outstanding_cny: Decimal = ZERO
    refinanced_cny: Decimal = ZERO
    refinancing_rate_percent: Decimal | None = None


def is_cerf_disbursement(row: FinancingRow) -> bool:
    return row.kind == "disbursed" and row.instrument == CERF_INSTRUMENT


def cerf_loans(rows: Iterable[FinancingRow], last: date, rules: RefinancingTable) -> list[CerfLoan]:
    """Every facility loan with money paid out by `last`, its balance and its refinancing."""
    paid: dict[uuid.UUID, list[FinancingRow]] = {}
    repaid: dict[uuid.UUID, Decimal] = {}
    for row in rows:
        if row.instrument != CERF_INSTRUMENT or row.on > last:
            continue
        if row.kind == "disbursed":
            paid.setdefault(row.deal_id, []).append(row)
        elif row.kind == "repaid":
            repaid[row.deal_id] = repaid.get(row.deal_id, ZERO) + row.amount_cny
    loans = []
    for deal_id, tranches in sorted(paid.items(), key=lambda item: str(item[0])):
        tranches.sort(key=lambda r: (r.on, r.seq))
        refinanced = weight = ZERO
        for tranche in tranches:
            rule = rules.rule_on(tranche.on)
            if rule is not None:
                share = tranche.amount_cny * rule.principal_share
                refinanced += share
                weight += share * rule.rate_percent
        first = tranches[0]
        rule = rules.rule_on(first.on)
        drawn = sum((t.amount_cny for t in tranches), ZERO)
        back = repaid.get(deal_id, ZERO)
        loans.append(
            CerfLoan(
                deal_id,
                first.lender_id,
                first.project_id,
                first.cerf_field or UNCLASSIFIED,
                first.on,
                drawn.quantize(CENTS),
                back.quantize(CENTS),
                (drawn - back).quantize(CENTS),
                refinanced.quantize(CENTS),
                rule.principal_share if rule else None,
                rule.rate_percent if rule else None,
                weight,
            )
        )
    return loans


def _weighted_rate(loans: Iterable[CerfLoan]) -> Decimal | None:
    chosen = list(loans)
    refinanced = sum((loan.refinanced_cny for loan in chosen), ZERO)
    if not refinanced:
        return None
    weight = sum((loan.rate_weight_cny for loan in chosen), ZERO)
    return (weight / refinanced).quantize(RATE_PLACES)


def figures(rows: Iterable[FinancingRow], first: date | None, last: date) -> CerfFigures:
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
    return CerfFigures(len(projects), amount.quantize(CENTS), rate, tonnes.quantize(TONNE_PLACES))


def cerf_table(
    rows: Iterable[FinancingRow], quarter: Quarter, table: RefinancingTable
) -> list[CerfRow]:
    """Rows per (lender, field) plus an `all` row per lender, sorted by lender then field."""
    rows = list(rows)
    cells: dict[tuple[uuid.UUID, str], list[FinancingRow]] = {}
    for row in rows:
        if not is_cerf_disbursement(row) or row.on > quarter.last_day:
            continue
        for field_name in (row.cerf_field or UNCLASSIFIED, ALL_FIELDS):
            cells.setdefault((row.lender_id, field_name), []).append(row)
    loans: dict[tuple[uuid.UUID, str], list[CerfLoan]] = {}
    for loan in cerf_loans(rows, quarter.last_day, table):
        for field_name in (loan.field, ALL_FIELDS):
            loans.setdefault((loan.lender_id, field_name), []).append(loan)
    result = []
    for key, cell in sorted(
        cells.items(), key=lambda item: (str(item[0][0]), item[0][1] == ALL_FIELDS, item[0][1])
    ):
        held = loans.get(key, [])
        result.append(
            CerfRow(
                key[0],
                key[1],
                figures(cell, quarter.first_day, quarter.last_day),
                figures(cell, quarter.year_start, quarter.last_day),
                figures(cell, None, quarter.last_day),
                len(held),
                sum((loan.outstanding_cny for loan in held), ZERO).quantize(CENTS),
                sum((loan.refinanced_cny for loan in held), ZERO).quantize(CENTS),
                _weighted_rate(held),
            )
        )
    return result
