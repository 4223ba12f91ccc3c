"""A carbon-asset pledge loan's collateral: expected credits valued at the price in force.

The credits are those of the vintages from the valuation year on (earlier vintages are taken to
be issued and sold); the price is the newest CCER row of the price table dated on or before
the valuation day, so a valuation follows the table's dates. A pledge loan lends at most the
value less the haircut.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from matching.lending.errors import TermsOutsideMandate
from matching.lending.money import CENT, cny
from schemas.carbon_assets import CarbonCollateral, CarbonMarket, CarbonPrice, ExpectedIssuance
from schemas.deals import Offer
from schemas.vocabulary import Instrument

PLEDGE = Instrument.CARBON_ASSET_PLEDGE_LOAN
CREDIT_MARKET = CarbonMarket.CCER
"""Sink and CCER projects' credits are CCER: valued at the CCER price, never the CEA's."""
PLEDGE_HAIRCUT = Decimal("0.50")
"""Platform parameter (not a published figure): a pledge loan lends at most half of the
credits' value, a margin for the price's swings and for issuance falling short of the
expectation over a loan's life. Shown with every valuation."""


def issuance_of(project: Mapping[str, Any]) -> ExpectedIssuance | None:
    """The expected issuance of a deal's project as stored with the match (None when absent)."""
    found = project.get("expected_issuance")
    return ExpectedIssuance.model_validate(found) if found else None


def pledged_collateral(
    issuance: ExpectedIssuance | None, price: CarbonPrice | None, on: date
) -> CarbonCollateral | None:
    """The collateral a pledge loan has on `on`, or None without credits or a price."""
    if issuance is None or price is None:
        return None
    return value_collateral(issuance, price, PLEDGE_HAIRCUT, on)


def value_collateral(
    issuance: ExpectedIssuance, price: CarbonPrice, haircut: Decimal, on: date
) -> CarbonCollateral:
    """The pledged credits' value on `on` and what a pledge loan may lend against them."""
    credits = issuance.from_vintage(on.year)
    value = (price.price_cny_per_t * credits).quantize(CENT, rounding=ROUND_HALF_UP)
    lendable = (value * (1 - haircut)).quantize(CENT, rounding=ROUND_DOWN)
    return CarbonCollateral(
        valued_on=on,
        credits_tco2e=credits,
        from_vintage=on.year,
        price=price,
        value_cny=value,
        haircut=haircut,
        lendable_cny=lendable,
    )


def check_pledge(offer: Offer, collateral: CarbonCollateral | None) -> None:
    """Refuse a pledge-loan offer without collateral, or above the collateral's lendable value."""
    if offer.instrument is not PLEDGE:
        return
    if collateral is None:
        raise TermsOutsideMandate(
            f"a {PLEDGE} needs carbon credits to pledge: the project expects no issuance "
            "(neither a carbon sink nor a CCER registration), or no CCER price is in force",
            field="instrument",
        )
    if offer.amount_cny > collateral.lendable_cny:
        price = collateral.price
        raise TermsOutsideMandate(
            f"offer of {cny(offer.amount_cny)} exceeds the pledged credits' lendable value "
            f"{cny(collateral.lendable_cny)}: {collateral.credits_tco2e:,} tCO2e of vintages "
            f"from {collateral.from_vintage} at {price.price_cny_per_t} CNY/t "
            f"({price.market} {price.basis} of {price.price_date}) = "
            f"{cny(collateral.value_cny)}, less a {collateral.haircut:%} haircut",
            field="amount_cny",
        )
