"""Amounts, dates and messages as each language's reader expects them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from console import i18n

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("amount", "chinese", "english"),
    [
        (Decimal("220000000.00"), "2.20 亿元", "CNY 220,000,000.00"),
        ("3500000", "350.00 万元", "CNY 3,500,000.00"),
        ("9999.5", "9,999.50 元", "CNY 9,999.50"),
        ("12345678901.23", "123.46 亿元", "CNY 12,345,678,901.23"),
    ],
)
def test_amounts_in_wan_and_yi_for_chinese_readers_and_full_for_english(
    amount: object, chinese: str, english: str
) -> None:
    assert i18n.money(amount, "zh") == chinese
    assert i18n.money(amount, "en") == english


@pytest.mark.parametrize("bad", [None, "NaN", "Infinity", "abc"])
def test_an_amount_that_is_not_a_number_shows_a_dash(bad: object) -> None:
    assert i18n.money(bad, "zh") == "—"


def test_times_are_shown_in_china_standard_time_the_readers_way() -> None:
    moment = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert i18n.when(moment, "zh") == "2026年3月2日 00:30"
    assert i18n.when(moment, "en") == "2 Mar 2026, 00:30"
    assert i18n.when("2026-03-01", "zh") == "2026年3月1日"


def test_both_catalogues_hold_the_same_messages() -> None:
    assert set(i18n.catalogue("zh")) == set(i18n.catalogue("en"))


def test_the_language_comes_from_the_query_then_the_cookie_then_chinese() -> None:
    assert i18n.pick("en", "zh") == "en"
    assert i18n.pick(None, "en") == "en"
    assert i18n.pick("fr", None) == "zh"


def test_every_message_a_template_names_is_in_the_catalogues() -> None:
    import re
    from pathlib import Path

    root = Path(i18n.__file__).parent
    literal = re.compile(r"""\bt\(\s*['"]([a-z_]+(?:\.[a-z0-9_]+)+)['"]""")
    sources = [*root.glob("templates/**/*.html"), *root.glob("*.py")]
    named = {key for path in sources for key in literal.findall(path.read_text())}
    coded = set(
        re.findall(
            r'"((?:form|signin|upload|deal)\.error\.[a-z_]+)"',
            "".join(p.read_text() for p in root.glob("*.py")),
        )
    )
    missing = (named | coded) - set(i18n.catalogue("zh"))
    assert named and not missing, sorted(missing)
