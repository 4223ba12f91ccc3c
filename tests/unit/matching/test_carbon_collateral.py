"""A carbon-asset pledge loan lends against expected credits valued at the price in force, less
the platform's haircut; an offer above that, or without credits to pledge, is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from matching.lending.collateral import PLEDGE_HAIRCUT, pledged_collateral, value_collateral
from matching.lending.deals import Deal
from matching.lending.errors import TermsOutsideMandate
from matching.lending.mandates import Mandate
from matching.lending.responses import respond
from matching.matching.matcher import MandateBook
from schemas.carbon_assets import CarbonMarket, CarbonPrice, ExpectedIssuance, VintageIssuance
from schemas.deals import Offer
from schemas.vocabulary import Instrument
from tests.support.matching_samples import deal_of, example_mandate, example_project, example_spec

pytestmark = pytest.mark.unit

PLEDGE = Instrument.CARBON_ASSET_PLEDGE_LOAN
ISSUANCE = ExpectedIssuance(
    basis="derived",
    crediting_start=date(2025, 1, 1),
    crediting_end=date(2034, 12, 31),
    vintages=tuple(VintageIssuance(vintage=y, tco2e=10_000) for y in range(2025, 2035)),
)
PRICE = CarbonPrice(
    market=CarbonMarket.CCER,
    price_date=date(2025, 11, 26),
    price_cny_per_t=Decimal("62.48"),
    basis="daily average price",
    source="test row",
    secondary=True,
)


def test_collateral_counts_the_vintages_from_the_valuation_year_at_the_price_less_the_haircut() -> (
    None
):
    collateral = value_collateral(ISSUANCE, PRICE, Decimal("0.50"), date(2025, 12, 1))
    assert (collateral.credits_tco2e, collateral.from_vintage) == (100_000, 2025)
    assert collateral.value_cny == Decimal("6248000.00")
    assert collateral.lendable_cny == Decimal("3124000.00")
    later = value_collateral(ISSUANCE, PRICE, Decimal("0.50"), date(2030, 1, 1))
    assert later.credits_tco2e == 50_000
    assert pledged_collateral(None, PRICE, date(2025, 12, 1)) is None
    assert pledged_collateral(ISSUANCE, None, date(2025, 12, 1)) is None
    # The platform parameter documented in docs/matching.md is a 50 % haircut.
    assert pledged_collateral(ISSUANCE, PRICE, date(2025, 12, 1)) == collateral


def _pledge_deal() -> tuple[Deal, Mandate]:
    mandate = example_mandate(example_spec(instruments=[PLEDGE]))
    project = example_project(instruments=frozenset({PLEDGE}))
    deal = deal_of(MandateBook([mandate]).match([project])[0])
    return replace(deal, expected_issuance=ISSUANCE), mandate


def _offer(amount: str) -> Offer:
    return Offer(
        instrument=PLEDGE,
        amount_cny=Decimal(amount),
        rate_percent=Decimal("3.2"),
        tenor_months=60,
    )


def test_a_pledge_offer_above_the_lendable_value_is_refused_naming_the_amount() -> None:
    deal, mandate = _pledge_deal()
    collateral = value_collateral(ISSUANCE, PRICE, PLEDGE_HAIRCUT, date(2025, 12, 1))
    at = datetime(2025, 12, 1, 4, tzinfo=UTC)
    with pytest.raises(TermsOutsideMandate) as refused:
        respond(deal, mandate, _offer("3124000.01"), at=at, collateral=collateral)
    assert refused.value.field == "amount_cny"
    assert "lendable value 3,124,000.00 CNY" in str(refused.value)
    event = respond(deal, mandate, _offer("3124000.00"), at=at, collateral=collateral)
    assert event.collateral == collateral


def test_a_pledge_offer_without_credits_to_pledge_is_refused_naming_the_instrument() -> None:
    deal, mandate = _pledge_deal()
    at = datetime(2025, 12, 1, 4, tzinfo=UTC)
    with pytest.raises(TermsOutsideMandate) as refused:
        respond(deal, mandate, _offer("2000000.00"), at=at, collateral=None)
    assert refused.value.field == "instrument"
