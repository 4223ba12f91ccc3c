"""Scoring, matching and audit figures, each beside its naive baseline from the same run."""

from __future__ import annotations

import asyncio
import gc


def scoring_lines(scale: float) -> list[str]:
    from tests.bench.scoring_batches import run

    r = run(n=int(20_000 * scale), batch_size=1_000, naive_n=int(2_000 * scale), repeats=2)
    return [
        f"{'scoring, batches of 1,000 (per core)':<44} {r.batch_projects_per_s:12,.0f} projects/s",
        f"{'naive: one project at a time':<44} {r.naive_projects_per_s:12,.0f} projects/s",
        f"  ratio batch / naive: {r.speedup:.1f}x   (target ≥ 20,000 projects/s per core)",
        f"{'ranking every score':<44} {r.rank_scores_per_s:12,.0f} scores/s",
    ]


def matching_lines(scale: float) -> list[str]:
    from tests.bench.matching_book import bench_matching, bench_rematch

    gc.collect()
    m = bench_matching(projects=int(20_000 * scale), mandates=10_000, naive_projects=20)
    full = bench_rematch(projects=int(100_000 * scale), mandates=10_000)
    return [
        f"{'matching vs 10,000 mandates, batches':<44} {m.batch_projects_per_s:12,.0f} projects/s"
        f"  ({m.matches:,} matches)",
        f"{'naive: every pair in Python':<44} {m.naive_projects_per_s:12,.0f} projects/s",
        f"  ratio batch / naive: {m.batch_projects_per_s / m.naive_projects_per_s:.0f}x   "
        "(target ≥ 5,000 projects/s)",
        f"{f'full re-match {full.projects:,} x {full.mandates:,}':<44} {full.seconds:12.1f} s"
        "   (target ≤ 15 s for 100k x 10k)",
    ]


def live_facts_lines(database_url: str, scale: float) -> list[str]:
    from tests.bench.matching_live_facts import bench_live_facts

    r = asyncio.run(bench_live_facts(database_url, projects=int(50_000 * scale)))
    return [
        f"{f'mandate re-match read, {r.projects:,} live projects':<44} {r.columns_s:12.2f} s",
        f"{'naive: parse every stored score':<44} {r.parse_s:12.2f} s",
        f"  ratio naive / columns: {r.speedup:.1f}x",
    ]


def audit_lines(database_url: str, scale: float) -> list[str]:
    from tests.bench.audit_ledger import run_bench

    a = asyncio.run(run_bench(database_url, entries=int(50_000 * scale)))
    return [
        f"{'audit ledger append, batches of 2,000':<44} {a.append_events_per_s:12,.0f} events/s",
        f"{'naive: one event per transaction':<44} {a.naive_append_events_per_s:12,.0f} events/s",
        f"  ratio batch / naive: {a.append_events_per_s / a.naive_append_events_per_s:.0f}x",
        f"{'audit ledger verify':<44} {a.verify_entries_per_s:12,.0f} entries/s"
        f"   (chain intact: {a.verify_ok})",
    ]
