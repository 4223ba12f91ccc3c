"""Financing flows: grouped totals always add up to the events they came from."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.reports.flows import (
    Dimension,
    FinancingRow,
    FlowQuery,
    current_offers,
    flow_groups,
    flow_total,
)
from audit.reports.periods import Period

pytestmark = pytest.mark.unit

PROJECTS = [uuid.UUID(int=i) for i in range(1, 7)]
LENDERS = [uuid.UUID(int=100 + i) for i in range(3)]
DEALS = [uuid.UUID(int=200 + i) for i in range(8)]
CAPEX = {p: Decimal(10_000_000 * (i + 1)) for i, p in enumerate(PROJECTS)}
TONNES = {p: Decimal(1_000 * (i + 1)) if i != 5 else None for i, p in enumerate(PROJECTS)}


@st.composite
def financing_rows(draw: st.DrawFn) -> list[FinancingRow]:
    count = draw(st.integers(0, 40))
    rows = []
    for seq in range(1, count + 1):
        project = draw(st.sampled_from(PROJECTS))
        rows.append(
            FinancingRow(
                kind=draw(st.sampled_from(["offer", "disbursed"])),
                deal_id=draw(st.sampled_from(DEALS)),
                seq=seq,
                on=draw(st.dates(date(2024, 1, 1), date(2026, 12, 31))),
                amount_cny=Decimal(draw(st.integers(1, 10**9))) / 100,
                instrument=draw(st.sampled_from(["green_loan", "carbon_reduction_facility_loan"])),
                rate_percent=Decimal("3.1"),
                lender_id=draw(st.sampled_from(LENDERS)),
                project_id=project,
                city=draw(st.sampled_from(["changsha", "yueyang", "loudi"])),
                county=draw(st.sampled_from([None, "浏阳市", "长沙县"])),
                family=draw(st.sampled_from(["renewable_power", "clean_transport"])),
                category=draw(st.sampled_from([None, "3", "4"])),
                cerf_field=None,
                capex_cny=CAPEX[project],
                annual_tco2e=TONNES[project],
            )
        )
    return rows


queries = st.builds(
    FlowQuery,
    group_by=st.lists(st.sampled_from(list(Dimension)), unique=True, max_size=3).map(tuple),
    period=st.sampled_from(list(Period)),
    date_from=st.none() | st.dates(date(2024, 1, 1), date(2025, 12, 31)),
    date_to=st.none() | st.dates(date(2025, 1, 1), date(2026, 12, 31)),
)


def _in_window(row: FinancingRow, q: FlowQuery) -> bool:
    return (q.date_from is None or row.on >= q.date_from) and (
        q.date_to is None or row.on <= q.date_to
    )


@settings(max_examples=120, deadline=None)
@given(financing_rows(), queries)
def test_grouped_disbursed_totals_equal_the_sum_of_disbursement_events(
    rows: list[FinancingRow], q: FlowQuery
) -> None:
    events = [r for r in rows if r.kind == "disbursed" and _in_window(r, q)]
    groups = flow_groups(rows, q)
    assert sum((g.totals.disbursed_cny for g in groups), Decimal(0)) == sum(
        (r.amount_cny for r in events), Decimal(0)
    )
    assert sum(g.totals.disbursements for g in groups) == len(events)
    assert flow_total(rows, q).disbursed_cny == sum((r.amount_cny for r in events), Decimal(0))
    assert flow_total(rows, q).projects_financed == len({r.project_id for r in events})


@settings(max_examples=120, deadline=None)
@given(financing_rows(), queries)
def test_financed_tco2e_is_the_attributed_share_of_each_disbursement(
    rows: list[FinancingRow], q: FlowQuery
) -> None:
    events = [r for r in rows if r.kind == "disbursed" and _in_window(r, q)]
    expected = sum(
        (r.amount_cny / CAPEX[r.project_id] * t for r in events if (t := TONNES[r.project_id])),
        Decimal(0),
    )
    grouped = sum((g.totals.financed_annual_tco2e for g in flow_groups(rows, q)), Decimal(0))
    assert abs(grouped - expected) < Decimal("1e-12")
    unscored = sum((r.amount_cny for r in events if TONNES[r.project_id] is None), Decimal(0))
    assert flow_total(rows, q).unattributed_disbursed_cny == unscored


@settings(max_examples=80, deadline=None)
@given(financing_rows(), queries)
def test_offers_count_once_per_deal_as_the_latest_offer(
    rows: list[FinancingRow], q: FlowQuery
) -> None:
    latest: dict[uuid.UUID, FinancingRow] = {}
    for r in rows:
        if r.kind == "offer":
            latest[r.deal_id] = r
    expected = sum((r.amount_cny for r in latest.values() if _in_window(r, q)), Decimal(0))
    assert sum((g.totals.offered_cny for g in flow_groups(rows, q)), Decimal(0)) == expected
    assert len([r for r in current_offers(rows) if r.kind == "offer"]) == len(latest)


def test_whole_project_reduction_is_reported_apart_from_the_financed_share() -> None:
    project = PROJECTS[0]
    row = FinancingRow(
        "disbursed",
        DEALS[0],
        1,
        date(2026, 2, 1),
        Decimal("2500000.00"),
        "green_loan",
        None,
        LENDERS[0],
        project,
        "changsha",
        None,
        "renewable_power",
        "3",
        None,
        Decimal("10000000.00"),
        Decimal("1000"),
    )
    second = FinancingRow(**{**row.__dict__, "seq": 2, "lender_id": LENDERS[1]})
    total = flow_total([row, second], FlowQuery())
    assert total.financed_annual_tco2e == Decimal(500)
    assert total.projects_annual_tco2e == Decimal(1000)
    by_lender = flow_groups([row, second], FlowQuery((Dimension.LENDER,)))
    assert [g.totals.financed_annual_tco2e for g in by_lender] == [Decimal(250), Decimal(250)]
    assert [g.key for g in flow_groups([row], FlowQuery((Dimension.PERIOD,), Period.MONTH))] == [
        ((Dimension.PERIOD, "2026-02"),)
    ]
