"""Flows, scorecards and the facility disclosure report balances: disbursed, repaid and what is
still outstanding, and the central bank's refinancing from the sourced, dated rule table."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from audit.config import SEED_CERF_REFINANCING
from audit.reports.cerf_disclosure import cerf_loans, cerf_table
from audit.reports.cerf_refinancing import refinancing_table
from audit.reports.flows import Dimension, FinancingRow, FlowQuery, flow_groups, flow_total
from audit.reports.periods import Period, parse_quarter

pytestmark = pytest.mark.unit

RULES = refinancing_table(SEED_CERF_REFINANCING)

LENDER, PROJECT, DEAL = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)
CERF = "carbon_reduction_facility_loan"


def row(kind: str, seq: int, on: date, amount: str, deal: uuid.UUID = DEAL) -> FinancingRow:
    return FinancingRow(
        kind, deal, seq, on, Decimal(amount), CERF, Decimal("3.10"), LENDER, PROJECT,
        "changsha", None, "renewable_power", "3", "clean_energy",
        Decimal("100000000.00"), Decimal(20000),
    )  # fmt: skip


ROWS = [
    row("offer", 1, date(2025, 1, 5), "60000000.00"),
    row("disbursed", 2, date(2025, 2, 1), "20000000.00"),
    row("disbursed", 3, date(2025, 6, 1), "30000000.00"),
    row("repaid", 4, date(2026, 2, 1), "15000000.00"),
]


def test_flows_show_disbursed_repaid_and_the_balance_outstanding() -> None:
    total = flow_total(ROWS, FlowQuery())
    assert (total.disbursed_cny, total.repaid_cny, total.outstanding_cny) == (
        Decimal("50000000.00"),
        Decimal("15000000.00"),
        Decimal("35000000.00"),
    )
    assert (total.disbursements, total.repayments) == (2, 1)


def test_outstanding_is_the_balance_at_the_end_of_each_period_not_a_net_flow() -> None:
    groups = flow_groups(ROWS, FlowQuery((Dimension.PERIOD,), Period.YEAR))
    by_year = {g.key[0][1]: g.totals for g in groups}
    assert by_year["2025"].outstanding_cny == Decimal("50000000.00")
    assert by_year["2026"].outstanding_cny == Decimal("35000000.00")
    assert by_year["2026"].disbursed_cny == 0 and by_year["2026"].repaid_cny == Decimal(
        "15000000.00"
    )
    window = flow_total(ROWS, FlowQuery(date_from=date(2026, 1, 1)))
    assert window.outstanding_cny == Decimal("35000000.00")  # a balance ignores `from`


def test_the_rule_table_is_sourced_dated_and_gives_the_rule_of_a_loans_day() -> None:
    table = RULES
    assert table.instrument == CERF
    assert all(len(rule.source) > 40 for rule in table.rules)
    launch = table.rule_on(date(2021, 11, 8))
    assert launch is not None
    assert (launch.principal_share, launch.rate_percent) == (Decimal("0.60"), Decimal("1.75"))
    latest = table.rule_on(date(2026, 2, 1))
    assert latest is not None and latest.rate_percent == Decimal("1.25")
    assert table.rule_on(date(2021, 11, 7)) is None


def test_each_facility_loan_shows_its_balance_and_the_refinancing_of_its_tranches_days() -> None:
    late = [replace(r, on=date(2026, 3, 1)) for r in ROWS if r.kind == "disbursed"][:1]
    rows = [*ROWS, replace(late[0], deal_id=uuid.UUID(int=9), seq=9)]
    loans = {loan.deal_id: loan for loan in cerf_loans(rows, date(2026, 3, 31), RULES)}
    first = loans[DEAL]
    assert (first.disbursed_cny, first.repaid_cny, first.outstanding_cny) == (
        Decimal("50000000.00"),
        Decimal("15000000.00"),
        Decimal("35000000.00"),
    )
    assert first.refinanced_cny == Decimal("30000000.00")  # 60% of both 2025 tranches
    assert first.refinancing_rate_percent == Decimal("1.75")  # the rule of its first tranche
    assert loans[uuid.UUID(int=9)].refinancing_rate_percent == Decimal("1.25")
    (cell, *_) = [
        r for r in cerf_table(rows, parse_quarter("2026Q1"), RULES) if r.field == "clean_energy"
    ]
    assert (cell.loans, cell.outstanding_cny) == (2, Decimal("55000000.00"))
    assert cell.refinanced_cny == Decimal("42000000.00")
    # 12M at 1.75 (Feb 2025), 18M at 1.50 (Jun 2025), 12M at 1.25 (Mar 2026): 63M / 42M
    assert cell.refinancing_rate_percent == Decimal("1.5000")
