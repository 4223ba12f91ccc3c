"""Read-model rows: a disbursement carries the terms of the offer it drew on."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from audit.read_model.table_rows import deal_row, response_row
from schemas.deals import DealMatched, DealResponded
from tests.unit.audit.samples import Deal, scored

pytestmark = pytest.mark.unit


def test_a_disbursement_row_takes_instrument_rate_and_tenor_from_its_offer() -> None:
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    events = deal.financed("50000000.00", "1.75", date(2026, 2, 10))
    paid = events[-1]
    assert isinstance(paid, DealResponded)
    row = response_row(9, uuid.uuid4(), paid)
    kind, instrument, amount, rate, tenor, on = row[9:15]
    assert (kind, instrument, amount, rate, tenor, on) == (
        "disbursed", "carbon_reduction_facility_loan", Decimal("50000000.00"), Decimal("1.75"),
        60, date(2026, 2, 10),
    )  # fmt: skip


def test_a_deal_row_keeps_the_scored_facts_the_lender_saw() -> None:
    deal = Deal(scored(uuid.uuid4(), uuid.uuid4()))
    matched = deal.matched()
    assert isinstance(matched, DealMatched)
    row = deal_row(3, matched)
    assert row[10:14] == (Decimal("320000000.00"), 64000.0, "3", "clean_energy")
