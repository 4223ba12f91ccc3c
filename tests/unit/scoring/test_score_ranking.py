"""Ranking: competition ranks and percentiles, overall, by type and by city."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.score.ranking import rank

pytestmark = pytest.mark.unit


def test_ranks_and_percentiles_of_a_small_set() -> None:
    standings = rank([50, 70, 70, 10, 90], ["a", "a", "b", "b", "a"], ["x", "y", "x", "y", "x"])
    assert standings.rank_overall.tolist() == [4, 2, 2, 5, 1]
    assert standings.percentile_overall.tolist() == [40.0, 80.0, 80.0, 20.0, 100.0]
    assert standings.rank_in_type.tolist() == [3, 2, 1, 2, 1]
    assert standings.rank_in_city.tolist() == [3, 1, 2, 2, 1]
    assert standings.at(4).percentile_in_type == 100.0


def test_an_empty_set_ranks_to_nothing() -> None:
    assert len(rank([], [], [])) == 0


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 20).map(float), st.sampled_from("abc"), st.sampled_from("xyz")),
        min_size=1,
        max_size=60,
    )
)
def test_vectorized_ranks_match_a_direct_count(rows: list[tuple[float, str, str]]) -> None:
    scores, types, cities = (list(c) for c in zip(*rows, strict=True))
    standings = rank(scores, types, cities)
    values = np.array(scores)
    for i, (score, kind, city) in enumerate(rows):
        for ranks, percentiles, labels, mine in (
            (standings.rank_in_type, standings.percentile_in_type, types, kind),
            (standings.rank_in_city, standings.percentile_in_city, cities, city),
        ):
            peers = values[[label == mine for label in labels]]
            assert ranks[i] == 1 + int((peers > score).sum())
            assert percentiles[i] == pytest.approx(
                100 * (peers <= score).sum() / peers.size, abs=0.01
            )
