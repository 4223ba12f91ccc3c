"""The carbon-reduction-facility table for known disbursements matches figures worked by hand."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from audit.config import SEED_CERF_REFINANCING
from audit.reports.cerf_disclosure import CerfFigures, cerf_table
from audit.reports.cerf_refinancing import refinancing_table
from audit.reports.flows import FinancingRow
from audit.reports.periods import parse_quarter

pytestmark = pytest.mark.unit

RULES = refinancing_table(SEED_CERF_REFINANCING)

BANK_A, BANK_B = uuid.UUID(int=1), uuid.UUID(int=2)
P1, P2, P3, P4 = (uuid.UUID(int=10 + i) for i in range(4))
FACTS = {  # capex CNY, annual tCO2e, facility field
    P1: (Decimal("100000000.00"), Decimal(20000), "clean_energy"),
    P2: (Decimal("50000000.00"), Decimal(8000), "clean_energy"),
    P3: (Decimal("40000000.00"), Decimal(5000), "energy_conservation_environmental_protection"),
    P4: (Decimal("20000000.00"), Decimal(4000), "carbon_reduction_technology"),
}
CERF = "carbon_reduction_facility_loan"


def paid(seq: int, lender: uuid.UUID, project: uuid.UUID, on: date, amount: str, rate: str,
         instrument: str = CERF) -> FinancingRow:  # fmt: skip
    capex, tonnes, field = FACTS[project]
    return FinancingRow(
        "disbursed",
        uuid.UUID(int=100 + seq),
        seq,
        on,
        Decimal(amount),
        instrument,
        Decimal(rate),
        lender,
        project,
        "changsha",
        None,
        "renewable_power",
        "3",
        field,
        capex,
        tonnes,
    )


ROWS = [
    paid(1, BANK_A, P1, date(2025, 11, 10), "30000000.00", "1.75"),
    paid(2, BANK_A, P2, date(2026, 2, 15), "20000000.00", "1.75"),
    paid(3, BANK_A, P3, date(2026, 3, 31), "10000000.00", "2.00"),
    paid(4, BANK_A, P2, date(2026, 2, 20), "5000000.00", "3.10", instrument="green_loan"),
    paid(5, BANK_A, P1, date(2026, 4, 1), "10000000.00", "1.80"),
    paid(6, BANK_B, P4, date(2026, 1, 5), "8000000.00", "1.75"),
]


def figures(projects: int, amount: str, rate: str, tonnes: str) -> CerfFigures:
    return CerfFigures(projects, Decimal(amount), Decimal(rate), Decimal(tonnes))


def table(quarter: str) -> dict[tuple[uuid.UUID, str], tuple[CerfFigures, ...]]:
    return {
        (r.lender_id, r.field): (r.quarter, r.year_to_date, r.since_inception)
        for r in cerf_table(ROWS, parse_quarter(quarter), RULES)
    }


def test_first_quarter_table_matches_hand_computed_figures() -> None:
    got = table("2026Q1")
    clean_q = figures(1, "20000000.00", "1.7500", "3200.000")
    assert got[(BANK_A, "clean_energy")] == (
        clean_q,
        clean_q,
        figures(2, "50000000.00", "1.7500", "9200.000"),
    )
    saving = figures(1, "10000000.00", "2.0000", "1250.000")
    assert got[(BANK_A, "energy_conservation_environmental_protection")] == (saving,) * 3
    all_q = figures(2, "30000000.00", "1.8333", "4450.000")
    assert got[(BANK_A, "all")] == (all_q, all_q, figures(3, "60000000.00", "1.7917", "10450.000"))
    bank_b = figures(1, "8000000.00", "1.7500", "1600.000")
    assert got[(BANK_B, "carbon_reduction_technology")] == (bank_b,) * 3
    assert len(got) == 5


def test_second_quarter_separates_quarter_year_to_date_and_inception() -> None:
    got = table("2026Q2")
    assert got[(BANK_A, "clean_energy")] == (
        figures(1, "10000000.00", "1.8000", "2000.000"),
        figures(2, "30000000.00", "1.7667", "5200.000"),
        figures(2, "60000000.00", "1.7583", "11200.000"),
    )
    empty = CerfFigures(0, Decimal("0.00"), None, Decimal("0.000"))
    assert got[(BANK_B, "carbon_reduction_technology")][0] == empty


def test_only_facility_loans_disbursed_by_the_quarter_end_count() -> None:
    rows = cerf_table(ROWS, parse_quarter("2025Q4"), RULES)
    assert [(r.lender_id, r.field) for r in rows] == [(BANK_A, "clean_energy"), (BANK_A, "all")]
    assert rows[0].since_inception.loan_amount_cny == Decimal("30000000.00")


def test_rows_are_ordered_by_lender_with_the_all_row_last() -> None:
    fields = [
        r.field for r in cerf_table(ROWS, parse_quarter("2026Q1"), RULES) if r.lender_id == BANK_A
    ]
    assert fields == ["clean_energy", "energy_conservation_environmental_protection", "all"]
