"""The audit service's flow reports shaped into the regulator's charts and map."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from console import organisations
from console.charts import Bar, Series, bar_chart, line_chart
from console.hunan_map import hunan_map
from schemas.vocabulary import City

Translate = Callable[..., str]
Shown = Callable[[Decimal], str]
MEASURES = ("offered_cny", "disbursed_cny", "repaid_cny", "outstanding_cny")
MILLION = Decimal(1_000_000)
QUARTER = re.compile(r"\d{4}Q[1-4]")


def _amount(group: dict[str, Any], measure: str) -> Decimal:
    return Decimal(str(group.get(measure) or 0))


def lender_name(lender_id: str) -> str:
    try:
        return organisations.name_of(uuid.UUID(lender_id)) or lender_id[:8]
    except ValueError:
        return lender_id[:8]


def map_label(name: str) -> str:
    """湘西土家族苗族自治州 → 湘西州, 长沙市 → 长沙: short enough to sit under a circle."""
    return name.replace("土家族苗族自治州", "州").removesuffix("市")


def by_city_map(report: dict[str, Any], t: Translate, shown: Shown) -> Markup:
    values = {City(g["key"]["city"]): _amount(g, "disbursed_cny") for g in report["groups"]}
    names = {city: map_label(t(f"city.{city.value}")) for city in City}
    return hunan_map(t("regulator.map_title"), values, names, shown)


def bars_chart(
    chart_id: str, report: dict[str, Any], dimension: str, label: Callable[[str], str],
    title: str, shown: Shown,
) -> Markup:  # fmt: skip
    bars = [
        Bar(label(g["key"][dimension]), _amount(g, "disbursed_cny") or _amount(g, "offered_cny"))
        for g in report["groups"]
    ]
    return bar_chart(chart_id, title, bars[:15], shown)


def quarters_between(first: str, last: str) -> list[str]:
    """2025Q4, 2026Q1, ... so a quarter without money still takes its place on the axis."""
    year, quarter = int(first[:4]), int(first[-1])
    found: list[str] = []
    while f"{year}Q{quarter}" <= last and len(found) < 200:
        found.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def with_empty_quarters(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quarters with no flow get zero flows; the balance outstanding carries over."""
    by_period = {g["key"]["period"]: g for g in groups}
    labels = sorted(by_period)
    if not labels or not all(QUARTER.fullmatch(p) for p in labels):
        return [by_period[p] for p in labels]
    filled, outstanding = [], Decimal(0)
    for period in quarters_between(labels[0], labels[-1]):
        group = by_period.get(period) or {"key": {"period": period}, "outstanding_cny": outstanding}
        outstanding = _amount(group, "outstanding_cny")
        filled.append(group)
    return filled


def on_axis(lang: str, shown: Shown) -> Shown:
    """Axis labels short enough for the margin: millions in English, 万元/亿元 in Chinese."""
    if lang != "en":
        return shown
    return lambda value: f"CNY {value / MILLION:,.0f} m" if abs(value) >= MILLION else shown(value)


def over_time_chart(report: dict[str, Any], t: Translate, shown: Shown) -> Markup:
    groups = with_empty_quarters(report["groups"])
    periods = [g["key"]["period"] for g in groups]
    series = [
        Series(t(f"flow.{m.removesuffix('_cny')}"), [_amount(g, m) for g in groups])
        for m in MEASURES
    ]
    return line_chart("flows-over-time", t("regulator.over_time"), periods, series, shown)
