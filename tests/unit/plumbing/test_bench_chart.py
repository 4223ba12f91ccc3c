"""`make bench` draws its run as a PNG: throughput per stage and the latency distribution."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.bench import chart, report
from tests.bench.registration import percentiles

pytestmark = pytest.mark.unit

SAVED_RUN = Path(__file__).parent / "data" / "bench_run.json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_saved_run_is_drawn_as_a_png(tmp_path: Path) -> None:
    run = orjson.loads(SAVED_RUN.read_bytes())
    picture = chart.draw(run, tmp_path / "charts" / "run.png")
    assert picture.read_bytes().startswith(PNG_SIGNATURE)
    assert picture.stat().st_size > 10_000  # two panels of bars and lines, not an empty canvas


def test_the_chart_has_a_bar_per_throughput_figure_and_a_line_per_latency_run() -> None:
    run = orjson.loads(SAVED_RUN.read_bytes())
    bars = chart._throughputs(run)
    assert all(not r["name"].startswith("register → deal") for r in bars)
    assert {r["name"] for r in chart._latencies(run)} >= {
        r["name"] for r in run["rates"] if r["name"].startswith("register → deal")
    }


def test_latency_percentiles_run_from_the_fastest_to_the_slowest() -> None:
    shares = percentiles([10.0, 20.0, 30.0, 40.0, 50.0])
    assert len(shares) == 101
    assert (shares[0], shares[50], shares[100]) == (10.0, 30.0, 50.0)
    assert list(shares) == sorted(shares)
    assert percentiles([]) == ()


def test_the_readme_block_shows_the_chart_above_the_table() -> None:
    run = orjson.loads(SAVED_RUN.read_bytes())
    block = report.with_table(f"{report.START}\n{report.END}\n", run)
    assert f"]({report.CHART_IN_DOCS})" in block
    assert block.index(report.CHART_IN_DOCS) < block.index("| Figure |")
