"""Constrained field types reused by every contract, so limits are stated once."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema


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

# Money travels as a plain decimal string ("1234.50") or a JSON number with at most 2 places;
# the documented schema says exactly what validation accepts, so API clients and fuzzers agree.
_MONEY_TEXT = r"^((0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?|10000000000000(\.00?)?)$"
_POSITIVE_MONEY_TEXT = (
    r"^([1-9][0-9]{0,12}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?)|10000000000000(\.00?)?)$"
)


def _plain_decimal_text(pattern: str, what: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: object) -> object:
        if isinstance(value, str) and not compiled.fullmatch(value):
            raise ValueError(
                f'must be a plain decimal {what} with at most 2 places, like "1234.50"'
            )
        return value

    return BeforeValidator(check)


def _money_schema(pattern: str, minimum: dict[str, int]) -> WithJsonSchema:
    number = {"type": "number", **minimum, "maximum": 10**13, "multipleOf": 0.01}
    return WithJsonSchema({"anyOf": [number, {"type": "string", "pattern": pattern}]})


MoneyCNY = Annotated[
    Decimal,
    _plain_decimal_text(_MONEY_TEXT, "from 0 to 10^13"),
    Field(ge=0, le=Decimal("1e13"), max_digits=16, decimal_places=2, allow_inf_nan=False),
    _money_schema(_MONEY_TEXT, {"minimum": 0}),
]
PositiveMoneyCNY = Annotated[
    Decimal,
    _plain_decimal_text(_POSITIVE_MONEY_TEXT, "above 0, at most 10^13,"),
    Field(gt=0, le=Decimal("1e13"), max_digits=16, decimal_places=2, allow_inf_nan=False),
    _money_schema(_POSITIVE_MONEY_TEXT, {"exclusiveMinimum": 0}),
]
Quantity = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Ratio = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Pue = Annotated[float, Field(ge=1.0, le=5.0, allow_inf_nan=False)]
