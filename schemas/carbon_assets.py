"""Carbon assets: credits a project expects per vintage, the prices that value them, and the
collateral a carbon-asset pledge loan is lent against.

A project carries credits when it is a carbon sink (forestry, wetland) or declares a CCER
registration (`ProjectSpec.carbon_credits`). Scoring states the expected issuance per vintage
(declared and bounded by the scored reduction, or derived from it); matching values it with
the carbon price in force on the valuation date (docs/matching.md "Carbon-asset pledge loans").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.fields import IsoDate, LongText, MoneyCNY, ShortText
from schemas.vocabulary import ProjectType

_STRICT = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

SINK_TYPES = frozenset({ProjectType.FORESTRY, ProjectType.WETLAND})
"""Project types whose removals are credited as CCER without a declaration."""

Vintage = Annotated[int, Field(ge=1, le=9999, strict=True)]
MAX_VINTAGE_TCO2E = 10_000_000
CreditTonnes = Annotated[int, Field(ge=0, le=MAX_VINTAGE_TCO2E, strict=True)]


class VintageIssuance(BaseModel):
    """Credits (whole tCO2e, as a registry issues them) expected for one calendar year."""

    model_config = _STRICT

    vintage: Vintage
    tco2e: CreditTonnes


class CarbonCredits(BaseModel):
    """A project's CCER registration: its crediting period and, optionally, the issuance per
    vintage it expects (from its project design document); scoring bounds each vintage by the
    scored annual reduction and derives the issuance when none is declared."""

    model_config = _STRICT

    programme: Literal["ccer"] = "ccer"
    registration_ref: ShortText | None = None
    crediting_start: IsoDate
    crediting_years: int = Field(ge=1, le=60, strict=True)
    issuance: list[VintageIssuance] = Field(default_factory=list, max_length=61)

    @property
    def crediting_end(self) -> date:
        return crediting_end(self.crediting_start, self.crediting_years)

    @model_validator(mode="after")
    def _vintages_in_period(self) -> Self:
        years = [v.vintage for v in self.issuance]
        if len(set(years)) != len(years):
            raise ValueError("issuance vintages must not repeat")
        first, last = self.crediting_start.year, self.crediting_end.year
        outside = sorted(y for y in years if not first <= y <= last)
        if outside:
            raise ValueError(
                f"issuance vintages {outside} lie outside the crediting period "
                f"{self.crediting_start} to {self.crediting_end}"
            )
        return self


def crediting_end(start: date, years: int) -> date:
    """The last day of a crediting period of whole years from `start` (at most the calendar's
    last day)."""
    year = start.year + years
    if year > date.max.year:
        return date.max
    try:
        return start.replace(year=year) - timedelta(days=1)
    except ValueError:  # from 29 February: the anniversary is 1 March, the period ends before
        return date(year, 3, 1) - timedelta(days=1)


class ExpectedIssuance(BaseModel):
    """What a scored project version is expected to be issued, per vintage."""

    model_config = _STRICT

    basis: Literal["declared", "derived"]
    crediting_start: IsoDate
    crediting_end: IsoDate
    vintages: tuple[VintageIssuance, ...] = Field(max_length=61)

    def from_vintage(self, first: int) -> int:
        """Credits of the vintages from `first` on (those not issued before that year)."""
        return sum(v.tco2e for v in self.vintages if v.vintage >= first)


class CarbonMarket(StrEnum):
    """`cea`: national ETS allowances (closing price); `ccer`: certified voluntary reductions."""

    CEA = "cea"
    CCER = "ccer"


class CarbonPrice(BaseModel):
    """One dated, sourced row of the carbon price table (CNY per tCO2e)."""

    model_config = _STRICT

    market: CarbonMarket
    price_date: IsoDate
    price_cny_per_t: MoneyCNY
    basis: ShortText
    source: LongText
    secondary: bool


Haircut = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]


class CarbonCollateral(BaseModel):
    """Pledged credits valued on a date: the credits of the vintages from that year on, at the
    price in force that day, less the haircut a pledge loan may not lend against."""

    model_config = _STRICT

    valued_on: IsoDate
    credits_tco2e: int = Field(ge=0, le=1_000_000_000)
    from_vintage: Vintage
    price: CarbonPrice
    value_cny: MoneyCNY
    haircut: Haircut
    lendable_cny: MoneyCNY
