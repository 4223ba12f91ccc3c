"""The shapes the generator fills in: a JSON row, a magnitude maker and a type's profile."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schemas.vocabulary import City, Instrument

Row = dict[str, Any]
Maker = Callable[[random.Random], tuple[Row, float, str]]
Span = tuple[float, float]


@dataclass(frozen=True)
class Profile:
    """How one project type is sized, named, financed and located."""

    make: Maker
    names: tuple[str, ...]
    name_en: str
    summary: str
    tenor_months: tuple[int, int]
    lifetime_years: tuple[int, int]
    build_months: tuple[int, int]
    instruments: tuple[Instrument, ...]
    weight: float
    boost: dict[City, float]
    hosts: tuple[str, ...] = ("",)
    hehe: float = 0.0
    grid_factor: bool = True


GL, CERF, GB = (
    Instrument.GREEN_LOAN,
    Instrument.CARBON_REDUCTION_FACILITY_LOAN,
    Instrument.GREEN_BOND,
)
GFE, GLS, GG = Instrument.GREEN_FUND_EQUITY, Instrument.GREEN_LEASING, Instrument.GREEN_GUARANTEE
