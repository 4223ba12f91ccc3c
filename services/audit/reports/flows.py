"""Financing flows: offered, disbursed and repaid money, the balance still outstanding, and the
emission reduction it finances. Pure.

Offers count once per deal (the latest offer replaces earlier ones); every disbursement
(tranche) and repayment counts. `outstanding_cny` is a balance, not a flow: everything disbursed
minus everything repaid from inception to the end of the window (or of the group's period),
whatever `from` says. Financed emission reduction is attributed PCAF-style: disbursed amount /
project capex × the project's annual tCO2e from its latest score; the financed projects' whole
reduction is reported beside it, never mixed in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from audit.reports.periods import Period, period_label

ZERO = Decimal(0)


class Dimension(StrEnum):
    CITY = "city"
    COUNTY = "county"
    FAMILY = "family"
    CATEGORY = "category"
    INSTRUMENT = "instrument"
    LENDER = "lender"
    PERIOD = "period"


@dataclass(frozen=True)
class FinancingRow:
    """An offer or a disbursement with the project facts needed to group and attribute it."""

    kind: str
    deal_id: uuid.UUID
    seq: int
    on: date
    amount_cny: Decimal
    instrument: str | None
    rate_percent: Decimal | None
    lender_id: uuid.UUID
    project_id: uuid.UUID
    city: str
    county: str | None
    family: str
    category: str | None
    cerf_field: str | None
    capex_cny: Decimal | None
    annual_tco2e: Decimal | None


def attributed_tco2e(row: FinancingRow) -> Decimal | None:
    """The share of the project's annual reduction this money finances; None if unscored."""
    if row.capex_cny is None or row.annual_tco2e is None or row.capex_cny <= 0:
        return None
    return row.amount_cny / row.capex_cny * row.annual_tco2e


@dataclass(frozen=True)
class FlowQuery:
    group_by: tuple[Dimension, ...] = ()
    period: Period = Period.QUARTER
    date_from: date | None = None
    date_to: date | None = None
    instrument: str | None = None


@dataclass
class FlowTotals:
    offered_cny: Decimal = ZERO
    disbursed_cny: Decimal = ZERO
    offers: int = 0
    disbursements: int = 0
    financed_annual_tco2e: Decimal = ZERO
    unattributed_disbursed_cny: Decimal = ZERO
    repaid_cny: Decimal = ZERO
    repayments: int = 0
    outstanding_cny: Decimal = ZERO
    projects_offered: set[uuid.UUID] = field(default_factory=set)
    project_tco2e: dict[uuid.UUID, Decimal | None] = field(default_factory=dict)

    def add(self, row: FinancingRow) -> None:
        if row.kind == "offer":
            self.offered_cny += row.amount_cny
            self.offers += 1
            self.projects_offered.add(row.project_id)
            return
        if row.kind == "repaid":
            self.repaid_cny += row.amount_cny
            self.repayments += 1
            return
        self.disbursed_cny += row.amount_cny
        self.disbursements += 1
        self.project_tco2e[row.project_id] = row.annual_tco2e
        share = attributed_tco2e(row)
        if share is None:
            self.unattributed_disbursed_cny += row.amount_cny
        else:
            self.financed_annual_tco2e += share

    @property
    def net_flow_cny(self) -> Decimal:
        """Disbursed minus repaid within the window."""
        return self.disbursed_cny - self.repaid_cny

    @property
    def projects_financed(self) -> int:
        return len(self.project_tco2e)

    @property
    def projects_annual_tco2e(self) -> Decimal:
        """The financed projects' whole annual reduction, whoever else finances them."""
        return sum((v for v in self.project_tco2e.values() if v is not None), ZERO)


@dataclass(frozen=True)
class FlowGroup:
    key: tuple[tuple[Dimension, str], ...]
    totals: FlowTotals


def current_offers(rows: Iterable[FinancingRow]) -> list[FinancingRow]:
    """Disbursements as they are, and of each deal's offers only the latest."""
    latest: dict[uuid.UUID, FinancingRow] = {}
    kept: list[FinancingRow] = []
    for row in rows:
        if row.kind != "offer":
            kept.append(row)
        elif row.deal_id not in latest or latest[row.deal_id].seq < row.seq:
            latest[row.deal_id] = row
    return kept + list(latest.values())


def selected(rows: Iterable[FinancingRow], q: FlowQuery) -> list[FinancingRow]:
    return [
        r
        for r in current_offers(rows)
        if (q.date_from is None or r.on >= q.date_from)
        and (q.date_to is None or r.on <= q.date_to)
        and (q.instrument is None or r.instrument == q.instrument)
    ]


def _value(row: FinancingRow, dim: Dimension, period: Period) -> str:
    values = {
        Dimension.CITY: row.city,
        Dimension.COUNTY: row.county or "unknown",
        Dimension.FAMILY: row.family,
        Dimension.CATEGORY: row.category or "unscored",
        Dimension.INSTRUMENT: row.instrument or "unknown",
        Dimension.LENDER: str(row.lender_id),
    }
    return period_label(row.on, period) if dim is Dimension.PERIOD else values[dim]


def _loan_rows(rows: Iterable[FinancingRow], q: FlowQuery) -> list[FinancingRow]:
    """Disbursements and repayments from inception to the window's end: a balance's inputs."""
    return [
        r
        for r in rows
        if r.kind in ("disbursed", "repaid")
        and (q.date_to is None or r.on <= q.date_to)
        and (q.instrument is None or r.instrument == q.instrument)
    ]


def outstanding(
    loan_rows: Iterable[FinancingRow], q: FlowQuery, key: tuple[tuple[Dimension, str], ...] = ()
) -> Decimal:
    """Disbursed minus repaid for the group `key`, up to the end of its period if it has one.

    Period labels sort as time does (2026-03 < 2026-10, 2026Q1 < 2026Q2), so "up to the end of
    the period" is "label not after the group's label".
    """
    period = next((value for dim, value in key if dim is Dimension.PERIOD), None)
    fixed = [(dim, value) for dim, value in key if dim is not Dimension.PERIOD]
    balance = ZERO
    for row in loan_rows:
        if period is not None and period_label(row.on, q.period) > period:
            continue
        if any(_value(row, dim, q.period) != value for dim, value in fixed):
            continue
        balance += row.amount_cny if row.kind == "disbursed" else -row.amount_cny
    return balance


def flow_groups(rows: Iterable[FinancingRow], q: FlowQuery) -> list[FlowGroup]:
    """Totals per combination of the grouping dimensions, sorted by key."""
    rows = list(rows)
    groups: dict[tuple[tuple[Dimension, str], ...], FlowTotals] = {}
    for row in selected(rows, q):
        key = tuple((dim, _value(row, dim, q.period)) for dim in q.group_by)
        groups.setdefault(key, FlowTotals()).add(row)
    loans = _loan_rows(rows, q)
    for key, totals in groups.items():
        totals.outstanding_cny = outstanding(loans, q, key)
    return [FlowGroup(key, totals) for key, totals in sorted(groups.items())]


def flow_total(rows: Iterable[FinancingRow], q: FlowQuery) -> FlowTotals:
    """The same figures over everything selected (projects counted once overall)."""
    rows = list(rows)
    total = FlowTotals()
    for row in selected(rows, q):
        total.add(row)
    total.outstanding_cny = outstanding(_loan_rows(rows, q), q)
    return total
