"""The audit service's flow reports shaped into the regulator's charts and map."""

from __future__ import annotations

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


def _amount(group: dict[str, Any], measure: str) -> Decimal:
    return Decimal(str(group.get(measure) or 0))


def lender_name(lender_id: str) -> str:
    try:
        return organisations.name_of(uuid.UUID(lender_id)) or lender_id[:8]
    except ValueError:
        return lender_id[:8]


def by_city_map(report: dict[str, Any], t: Translate, shown: Shown) -> Markup:
    values = {City(g["key"]["city"]): _amount(g, "disbursed_cny") for g in report["groups"]}
    names = {city: t(f"city.{city.value}") for city in City}
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


def over_time_chart(report: dict[str, Any], t: Translate, shown: Shown) -> Markup:
    groups = sorted(report["groups"], key=lambda g: g["key"]["period"])
    periods = [g["key"]["period"] for g in groups]
    series = [
        Series(t(f"flow.{m.removesuffix('_cny')}"), [_amount(g, m) for g in groups])
        for m in MEASURES
    ]
    return line_chart("flows-over-time", t("regulator.over_time"), periods, series, shown)
