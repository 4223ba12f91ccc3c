"""Constrained field types reused by every contract, so limits are stated once."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema

# Characters no honest text needs: C0 controls (tab and line breaks aside), DEL and the C1
# controls, bidi embeddings, overrides and isolates (they reorder what a reader sees, so
# "txt.exe" can display as "exe.txt"), and zero-width characters (they make two names that look
# identical compare unequal). Written once as a character class, used by the C-level scan that
# every text field passes and by the documented pattern, so both agree.
_REFUSED = (
    "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
    "\\u200b-\\u200d\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff"
)
# Characters that show nothing but are allowed inside text (marks that steer bidi layout,
# soft hyphens, fillers, variation selectors): text made only of these and whitespace is blank.
_INVISIBLE = (
    "\\xad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200e\\u200f"
    "\\u2061-\\u2064\\u206a-\\u206f\\u2800\\u3164\\ufe00-\\ufe0f\\uffa0"
)
_WIDE_SPACES = "\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
_BLANK = f"\\x00-\\x20\\x85\\xa0{_WIDE_SPACES}{_INVISIBLE}"
_REFUSED_CHARACTER = re.compile(f"[{_REFUSED}]")
_VISIBLE_CHARACTER = re.compile(f"[^{_REFUSED}{_BLANK}]")


def _refusal(value: str) -> str | None:
    """Why text is refused, or None; one C-level scan when nothing is wrong."""
    found = _REFUSED_CHARACTER.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "must not contain NUL bytes"
    point = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"must not contain bidi control characters ({point})"
    if char in "\u200b\u200c\u200d\u2060\ufeff":
        return f"must not contain zero-width characters ({point})"
    return f"must not contain control characters ({point})"


def _no_control_characters(value: str) -> str:
    if why := _refusal(value):
        raise ValueError(why)
    return value


# Text is documented exactly as it is validated: none of the refused characters and, where
# text is required, something visible besides whitespace and invisible marks. Lengths count what
# the client sent; surrounding whitespace is dropped afterwards.
_ANY_TEXT = f"^[^{_REFUSED}]*$"
_SOME_TEXT = f"^[^{_REFUSED}]*[^{_REFUSED}{_BLANK}][^{_REFUSED}]*$"


def _cleaned(required: bool) -> AfterValidator:
    def clean(value: str) -> str:
        stripped = _no_control_characters(value).strip()
        if required and _VISIBLE_CHARACTER.search(stripped) is None:
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
