"""Scoring throughput: batches versus a naive one-project-at-a-time loop, in one process.

`python -m tests.bench.scoring_batches --n 50000` prints a JSON line; `make bench` reads it.
Rates divide by the process's CPU time, i.e. projects per second per core, which other load on
the machine does not distort. Projects come from `seeds.synthetic`, the profiles the demo and
load files use. Design target: ≥ 20,000 projects/s per core in batches.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import orjson
import typer

from scoring.estimate.factors import FactorSet, default_factor_set
from scoring.plausibility.intensity import IntensityRow
from scoring.plausibility.peer_model import PlausibilityModel, train
from scoring.score.batch import ScoreRecord, score_batch, score_one
from scoring.score.ranking import rank
from seeds.synthetic.specs import synthetic_specs


@dataclass(frozen=True)
class BenchResult:
    """Rates in projects per CPU-second of this single process (= per core), best of repeats."""

    projects: int
    batch_size: int
    batch_projects_per_s: float
    naive_projects_per_s: float
    speedup: float
    rank_scores_per_s: float
    model_version: str | None


def _trained_model(factors: FactorSet, seed: int) -> PlausibilityModel:
    peers = synthetic_specs(2_000, seed=seed + 1)
    scored = score_batch(peers, factors)
    rows = [
        IntensityRow.of(p, s.annual_tco2e)
        for p, s in zip(peers, scored, strict=True)
        if isinstance(s, ScoreRecord)
    ]
    return train(rows)


def _rate(count: int, work: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return round(count / best, 1)


def run(
    n: int = 20_000, batch_size: int = 1_000, naive_n: int = 2_000, seed: int = 0, repeats: int = 3
) -> BenchResult:
    """Score `n` synthetic projects in batches, and `naive_n` of them one by one."""
    factors = default_factor_set()
    model = _trained_model(factors, seed)
    projects = synthetic_specs(n, seed=seed)
    sample = projects[: min(naive_n, n)]
    batches = [projects[i : i + batch_size] for i in range(0, n, batch_size)]
    batch_rate = _rate(n, lambda: [score_batch(b, factors, model) for b in batches], repeats)
    naive_rate = _rate(len(sample), lambda: [score_one(p, factors, model) for p in sample], repeats)
    scores = [
        s.score_0_100 for s in score_batch(projects, factors, model) if isinstance(s, ScoreRecord)
    ]
    types = [p.type.value for p in projects]
    cities = [p.city.value for p in projects]
    rank_rate = _rate(len(scores), lambda: rank(scores, types, cities), repeats)
    return BenchResult(
        projects=n,
        batch_size=batch_size,
        batch_projects_per_s=batch_rate,
        naive_projects_per_s=naive_rate,
        speedup=round(batch_rate / naive_rate, 2),
        rank_scores_per_s=rank_rate,
        model_version=model.version,
    )


def main(n: int = 20_000, batch_size: int = 1_000, naive_n: int = 2_000, seed: int = 0) -> None:
    """Print one JSON line of results."""
    typer.echo(orjson.dumps(asdict(run(n, batch_size, naive_n, seed))).decode())


if __name__ == "__main__":
    typer.run(main)
