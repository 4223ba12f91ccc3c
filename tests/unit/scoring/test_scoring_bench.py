"""The benchmark helper runs end to end and reports both rates (no timing is asserted)."""

from __future__ import annotations

import pytest

from tests.bench.scoring_batches import run

pytestmark = pytest.mark.unit


def test_bench_reports_batch_and_naive_rates() -> None:
    result = run(n=400, batch_size=100, naive_n=50, repeats=1)
    assert result.projects == 400
    assert result.batch_projects_per_s > 0 and result.naive_projects_per_s > 0
    assert result.model_version
