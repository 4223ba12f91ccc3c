"""Constrained field types reused by every contract, so limits are stated once."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints


def _no_control_characters(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("must not contain control characters")
    return value


def text(max_length: int, min_length: int = 1) -> object:
    """A stripped, length-bounded string free of NUL and control characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_characters),
    ]


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_characters),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=4000),
    AfterValidator(_no_control_characters),
]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_no_control_characters),
]

MoneyCNY = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("1e13"), max_digits=16, decimal_places=2, allow_inf_nan=False),
]
PositiveMoneyCNY = Annotated[
    Decimal,
    Field(gt=0, le=Decimal("1e13"), max_digits=16, decimal_places=2, allow_inf_nan=False),
]
Quantity = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Ratio = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Pue = Annotated[float, Field(ge=1.0, le=5.0, allow_inf_nan=False)]
