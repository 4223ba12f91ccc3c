"""Matching throughput beside a naive per-pair baseline, on synthetic data of any size."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from matching.lending.mandates import Mandate
from matching.matching.fit import fit_parts
from matching.matching.matcher import MandateBook, Match
from matching.matching.project_facts import ProjectFacts
from tests.support.matching_samples import satisfies, synthetic_book


@dataclass(frozen=True)
class MatchingBench:
    """Projects per second matched in batches and pair by pair, against the same mandates."""

    mandates: int
    projects: int
    batch_size: int
    matches: int
    book_build_s: float
    batch_s: float
    batch_projects_per_s: float
    naive_projects: int
    naive_s: float
    naive_projects_per_s: float
    naive_agrees: bool


@dataclass(frozen=True)
class RematchBench:
    """A full re-match: every project against every mandate, in batches."""

    mandates: int
    projects: int
    batch_size: int
    matches: int
    seconds: float
    projects_per_s: float


def naive_match(projects: Sequence[ProjectFacts], mandates: Sequence[Mandate]) -> list[Match]:
    """Every pair checked in plain Python: the baseline the batch matcher is measured against."""
    found = []
    for project in projects:
        pairs = [
            Match(project, m, m.version, fit_parts(project, m)[1])
            for m in mandates
            if satisfies(project, m)
        ]
        found += sorted(pairs, key=lambda match: -match.fit_score)
    return found


def _timed_batches(book: MandateBook, projects: list[ProjectFacts], size: int) -> tuple[int, float]:
    started, matches = time.perf_counter(), 0
    for at in range(0, len(projects), size):
        matches += len(book.match(projects[at : at + size]))
    return matches, time.perf_counter() - started


def bench_matching(
    projects: int = 20_000,
    mandates: int = 10_000,
    batch_size: int = 1_000,
    naive_projects: int = 20,
    seed: int = 7,
) -> MatchingBench:
    """Batch matching of `projects` against `mandates`, and the naive loop on a few projects."""
    all_mandates, all_projects = synthetic_book(mandates, projects, seed)
    started = time.perf_counter()
    book = MandateBook(all_mandates)
    built = time.perf_counter() - started
    matches, batch_s = _timed_batches(book, all_projects, batch_size)
    subset = all_projects[:naive_projects]
    started = time.perf_counter()
    naive = naive_match(subset, all_mandates)
    naive_s = time.perf_counter() - started
    agrees = {m.deal_id for m in naive} == {m.deal_id for m in book.match(subset)}
    return MatchingBench(
        mandates,
        projects,
        batch_size,
        matches,
        built,
        batch_s,
        projects / batch_s,
        naive_projects,
        naive_s,
        naive_projects / naive_s,
        agrees,
    )


def bench_rematch(
    projects: int = 100_000, mandates: int = 10_000, batch_size: int = 5_000, seed: int = 11
) -> RematchBench:
    """Time re-matching every project against a freshly built book (e.g. after a replay)."""
    all_mandates, all_projects = synthetic_book(mandates, projects, seed)
    started = time.perf_counter()
    book = MandateBook(all_mandates)
    matches, _ = _timed_batches(book, all_projects, batch_size)
    seconds = time.perf_counter() - started
    return RematchBench(mandates, projects, batch_size, matches, seconds, projects / seconds)


def main(argv: Sequence[str] = ()) -> None:
    """`python -m tests.bench.matching_book [projects] [mandates] [rematch_projects]`: JSON out."""
    sizes = [int(a) for a in argv]
    projects, mandates, rematch = (sizes + [20_000, 10_000, 100_000][len(sizes) :])[:3]
    report = {
        "matching": asdict(bench_matching(projects=projects, mandates=mandates)),
        "rematch": asdict(bench_rematch(projects=rematch, mandates=mandates)),
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
