"""Constrained field types reused by every contract, so limits are stated once."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema

# One C-level scan per string: every text field of every request and event passes here.
_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_control_characters(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    if _CONTROL_CHARACTER.search(value):
        raise ValueError("must not contain control characters")
    return value


# Text is documented exactly as it is validated: no control characters (tab and line breaks
# aside) and, where text is required, something besides whitespace. Lengths count what the
# client sent; surrounding whitespace is dropped afterwards.
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f"
_WIDE_SPACES = "".join(map(chr, (0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F)))
_VISIBLE = f"[^\\x00-\\x20\\x85\\xa0{_WIDE_SPACES}\u3000]"
_ANY_TEXT = f"^[^{_CONTROL}]*$"
_SOME_TEXT = f"^[^{_CONTROL}]*{_VISIBLE}[^{_CONTROL}]*$"


def _cleaned(required: bool) -> AfterValidator:
    def clean(value: str) -> str:
        stripped = _no_control_characters(value).strip()
        if required and not stripped:
            raise ValueError("must not be blank")
        return stripped

    return AfterValidator(clean)


def text(max_length: int, min_length: int = 1) -> object:
    """A stripped, length-bounded string free of NUL and control characters."""
    pattern = _SOME_TEXT if min_length else _ANY_TEXT
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, json_schema_extra={"pattern": pattern}),
        _cleaned(min_length > 0),
    ]


ShortText = Annotated[
    str,
    Field(min_length=1, max_length=200, json_schema_extra={"pattern": _SOME_TEXT}),
    _cleaned(True),
]
LongText = Annotated[
    str, Field(max_length=4000, json_schema_extra={"pattern": _ANY_TEXT}), _cleaned(False)
]
Code = Annotated[
    str,
    Field(min_length=1, max_length=64, json_schema_extra={"pattern": _SOME_TEXT}),
    _cleaned(True),
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
# JSON numbers and booleans are taken as they are: "5" is not a number and 1 is not true.
# (Bulk CSV intake, whose cells are all text, validates with strict=False.)
Quantity = Annotated[float, Strict(), Field(ge=0, le=1e12, allow_inf_nan=False)]
Ratio = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
Pue = Annotated[float, Strict(), Field(ge=1.0, le=5.0, allow_inf_nan=False)]
Flag = Annotated[bool, Strict()]
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def _iso_date_text(value: object) -> object:
    if isinstance(value, datetime) or not isinstance(value, (str, date)):
        raise ValueError("must be a date written as YYYY-MM-DD")
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written as YYYY-MM-DD")
    return value


def _rfc3339_text(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("must be a time with its offset, like 2026-03-01T08:00:00+08:00")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_rfc3339_text)]
