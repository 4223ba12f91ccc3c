"""SQL for the carbon price table: the row in force on a day."""

from __future__ import annotations

from datetime import date

from matching.lending.collateral import CREDIT_MARKET, pledged_collateral
from schemas.carbon_assets import CarbonCollateral, CarbonMarket, CarbonPrice, ExpectedIssuance
from servicekit.db import Executor


async def price_in_force(con: Executor, market: CarbonMarket, on: date) -> CarbonPrice | None:
    """The newest price of `market` dated on or before `on`; None before the first row."""
    row = await con.fetchrow(
        "SELECT market, price_date, price_cny_per_t, basis, source, secondary"
        " FROM carbon_prices WHERE market = $1 AND price_date <= $2"
        " ORDER BY price_date DESC LIMIT 1",
        str(market),
        on,
    )
    return CarbonPrice.model_validate(dict(row)) if row else None


async def collateral_on(
    con: Executor, issuance: ExpectedIssuance | None, on: date
) -> CarbonCollateral | None:
    """A deal's pledgeable credits valued with the price in force on `on` (None without)."""
    if issuance is None:
        return None
    return pledged_collateral(issuance, await price_in_force(con, CREDIT_MARKET, on), on)
