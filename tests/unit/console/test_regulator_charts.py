"""The regulator's charts and map are plain SVG: every figure is in the markup, names escaped."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from console.charts import Bar, Series, bar_chart, line_chart
from console.hunan_map import SEATS, hunan_map
from schemas.vocabulary import City

pytestmark = pytest.mark.unit


def shown(value: Decimal) -> str:
    return f"{value:.2f} CNY"


def test_bars_run_largest_first_with_lengths_in_proportion():
    svg = bar_chart("c", "By city", [Bar("small", Decimal(50)), Bar("big", Decimal(200))], shown)
    assert svg.index("big") < svg.index("small")
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths == [330.0, 82.5]
    assert "200.00 CNY" in svg and "50.00 CNY" in svg


def test_a_chart_with_nothing_financed_still_draws_without_dividing_by_zero():
    svg = bar_chart("c", "By lender", [Bar("none yet", Decimal(0))], shown)
    assert 'width="0.0"' in svg
    assert "<desc" in line_chart("t", "Over time", [], [], shown)


def test_names_are_escaped_so_a_project_name_cannot_inject_markup():
    svg = bar_chart("c", "<b>t</b>", [Bar("<script>x</script>", Decimal(1))], shown)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_line_chart_names_each_series_value_for_screen_readers():
    svg = line_chart(
        "t", "Disbursed", ["2026Q1", "2026Q2"], [Series("Changsha", [Decimal(1), Decimal(3)])],
        shown,
    )  # fmt: skip
    assert "Changsha: 2026Q1 1.00 CNY, 2026Q2 3.00 CNY" in svg
    assert svg.count("<circle") == 2


def test_the_map_marks_every_city_with_area_in_proportion_to_money():
    names = {city: city.value.title() for city in City}
    values = {City.CHANGSHA: Decimal(400), City.HENGYANG: Decimal(100)}
    svg = hunan_map("Hunan", values, names, shown)
    radius = dict(re.findall(r'data-city="(\w+)".*?r="([\d.]+)"', svg))
    assert set(radius) == {c.value for c in SEATS} == {c.value for c in City}
    assert float(radius["changsha"]) == pytest.approx(2 * float(radius["hengyang"]))
    assert float(radius["loudi"]) == 4.0  # nothing financed: a small hollow ring


def test_pipeline_health_reads_the_api_process_outbox_backlog():
    from console.pipeline import ServiceHealth, read_metrics

    health = ServiceHealth("scoring")
    read_metrics(
        health,
        "# TYPE greenlink_outbox_unpublished gauge\n"
        'greenlink_outbox_unpublished{service="scoring"} 7.0\n'
        "# TYPE greenlink_handler_failures_total counter\n"
        'greenlink_handler_failures_total{service="scoring",consumer="x"} 2.0\n',
    )
    assert (health.outbox_unpublished, health.handler_failures) == (7, 2)


def test_a_dead_letter_twin_shared_by_several_services_is_listed_once_with_its_readers():
    from console.pipeline import ServiceHealth, dead_letter_twins

    scoring, matching, audit = (ServiceHealth(n) for n in ("scoring", "matching", "audit"))
    scoring.dead_letters = {"greenlink.projects.dlq": 3}
    matching.dead_letters = {"greenlink.projects.dlq": 4, "greenlink.scores.dlq": 0}
    twins = dead_letter_twins([scoring, matching, audit])
    assert [(t.topic, t.records, t.read_by) for t in twins] == [
        ("greenlink.projects.dlq", 4, ["scoring", "matching"]),
        ("greenlink.scores.dlq", 0, ["matching"]),
    ]


def test_a_quarter_without_money_keeps_its_place_and_the_balance_carries_over():
    from console.flow_views import with_empty_quarters

    groups = [
        {"key": {"period": "2026Q4"}, "offered_cny": "5", "outstanding_cny": "7"},
        {"key": {"period": "2026Q1"}, "offered_cny": "3", "outstanding_cny": "4"},
    ]
    filled = with_empty_quarters(groups)
    assert [g["key"]["period"] for g in filled] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert [str(g.get("offered_cny", 0)) for g in filled] == ["3", "0", "0", "5"]
    assert [str(g["outstanding_cny"]) for g in filled] == ["4", "4", "4", "7"]


def test_city_names_on_the_map_are_short():
    from console.flow_views import map_label

    assert map_label("湘西土家族苗族自治州") == "湘西州" and map_label("长沙市") == "长沙"
    assert map_label("Changsha") == "Changsha"
