"""Two languages: Simplified Chinese by default, English on request (`?lang=en`, then a cookie).

One message catalogue per language (`messages/<lang>.json`); amounts in 万元/亿元 for Chinese
readers and with thousands separators for English ones; times in China Standard Time.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import orjson

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
COOKIE = "lang"
MESSAGES = Path(__file__).parent / "messages"
CHINA = ZoneInfo("Asia/Shanghai")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
CENT = Decimal("0.01")


def pick(query: str | None, cookie: str | None) -> Lang:
    """The language asked for in the query, else the remembered one, else Chinese."""
    for asked in (query, cookie):
        if asked in LANGS:
            return asked
    return DEFAULT_LANG


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    loaded: dict[str, str] = orjson.loads((MESSAGES / f"{lang}.json").read_bytes())
    return loaded


def translate(lang: Lang, key: str, **values: object) -> str:
    """The message in `lang`; an unknown key shows itself, so a gap is visible, not fatal."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANG).get(key) or key
    return text.format(**values) if values else text


def _decimal(amount: object) -> Decimal | None:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def money(amount: object, lang: Lang) -> str:
    """CNY as a reader of `lang` expects it: 1.25 亿元 / 350.00 万元, or CNY 125,000,000.00."""
    value = _decimal(amount)
    if value is None:
        return "—"
    if lang == "en":
        return f"CNY {value.quantize(CENT, ROUND_HALF_UP):,}"
    if abs(value) >= YI:
        return f"{(value / YI).quantize(CENT, ROUND_HALF_UP):,} 亿元"
    if abs(value) >= WAN:
        return f"{(value / WAN).quantize(CENT, ROUND_HALF_UP):,} 万元"
    return f"{value.quantize(CENT, ROUND_HALF_UP):,} 元"


def number(value: object, lang: Lang, places: int = 2) -> str:
    """A quantity with separators; tonnes and percentages use it."""
    parsed = _decimal(value)
    if parsed is None:
        return "—"
    return f"{parsed.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"


def when(value: object, lang: Lang) -> str:
    """A timestamp in China Standard Time, or a calendar date, written the reader's way."""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        local = value.astimezone(CHINA) if value.tzinfo else value
        if lang == "zh":
            return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        return f"{local.day} {local:%b %Y, %H:%M}"
    if isinstance(value, date):
        if lang == "zh":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {value:%b %Y}"
    return "—"
