"""The benchmark runs at small sizes and its naive baseline agrees with the batch matcher."""

from __future__ import annotations

import pytest

from tests.bench.matching_book import bench_matching, bench_rematch

pytestmark = pytest.mark.unit


def test_a_small_benchmark_reports_both_rates_and_agreeing_results() -> None:
    result = bench_matching(projects=300, mandates=400, batch_size=100, naive_projects=5)
    assert result.naive_agrees
    assert result.matches > 0
    assert result.batch_projects_per_s > 0 and result.naive_projects_per_s > 0


def test_a_small_full_rematch_reports_its_rate() -> None:
    result = bench_rematch(projects=500, mandates=300, batch_size=200)
    assert result.projects == 500 and result.projects_per_s > 0
