"""The ways a bad synthetic row is broken, and how many rows a fraction breaks."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import get_args

from schemas.project import ActivityData
from seeds.synthetic.shapes import Row


def _holds_float(annotation: object) -> bool:
    return any(arg is float or _holds_float(arg) for arg in get_args(annotation))


_FLOAT_FIELDS = {n for n, f in ActivityData.model_fields.items() if _holds_float(f.annotation)}


def _first_quantity(activity: Row) -> str:
    return next(name for name in activity if name in _FLOAT_FIELDS)


def _shift_days(iso: str, days: int) -> str:
    return date.fromordinal(date.fromisoformat(iso).toordinal() + days).isoformat()


SPOILERS: dict[str, Callable[[Row], object]] = {
    "unknown_city": lambda p: p.update(city="wuhan"),
    "unknown_type": lambda p: p.update(type="cold_fusion"),
    "negative_capex": lambda p: p.update(capex_cny="-" + p["capex_cny"]),
    "nan_quantity": lambda p: p["activity"].update({_first_quantity(p["activity"]): "NaN"}),
    "missing_field": lambda p: p.pop("capex_cny"),
    "financing_above_capex": lambda p: p.update(
        financing_need_cny=str(Decimal(p["capex_cny"]) + 1_000_000)
    ),
    "operation_before_construction": lambda p: p.update(
        operation_date=_shift_days(p["construction_start"], -365)
    ),
    "overlong_name": lambda p: p.update(name=p["name"] + "扩建工程" * 60),
    "malformed_date": lambda p: p.update(construction_start="2025-13-45"),
    "empty_instruments": lambda p: p.update(instruments=[]),
}
DEFECTS: tuple[str, ...] = tuple(SPOILERS)
"""Every way a bad synthetic row is broken; each makes ProjectSpec validation fail."""


def bad_row_count(n: int, bad_fraction: float) -> int:
    """How many of `n` rows are broken for `bad_fraction` (rounded half up)."""
    if not 0.0 <= bad_fraction <= 1.0:
        raise ValueError("bad_fraction must be between 0 and 1")
    return math.floor(n * bad_fraction + 0.5)
