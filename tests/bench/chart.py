"""The picture of a run: throughput of every figure beside the raw limits, and the latency
distribution of every latency run, drawn from the run's JSON (so any saved run redraws).

`make bench` writes it beside the JSON and Markdown (`run-<time>.png`, `last.png`); the README
shows the copy `python -m tests.bench.report readme` puts in docs/benchmark.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt  # after the backend is chosen

RAW_LIMIT_PREFIXES = ("Kafka ProducerPerformance", "PostgreSQL")


def _throughputs(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Rates that are throughput figures: everything but the latency runs."""
    return [r for r in run["rates"] if not r["name"].startswith("register → deal")]


def _latencies(run: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in run["rates"] if r.get("p50_ms") is not None]


def draw(run: dict[str, Any], path: Path) -> Path:
    """Two panels: projects (or records) per second per figure on a log scale, raw limits in
    grey; latency by percentile for every figure that measured latency."""
    rates, latencies = _throughputs(run), _latencies(run)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(15, 0.45 * max(len(rates), 8) + 1.5), width_ratios=(3, 2)
    )
    names = [r["name"] for r in rates][::-1]
    values = [r["per_second"] for r in rates][::-1]
    colours = ["0.6" if n.startswith(RAW_LIMIT_PREFIXES) else "tab:green" for n in names]
    left.barh(names, values, color=colours)
    left.set_xscale("log")
    left.set_xlabel("per second (log scale; grey: raw limits of the same broker and database)")
    left.set_title("Throughput per stage")
    for y, value in enumerate(values):
        left.annotate(f"{value:,.0f}", (value, y), xytext=(3, 0), textcoords="offset points",
                      va="center", fontsize=8)  # fmt: skip
    for row in latencies:
        quantiles = row.get("latency_quantiles_ms")
        if quantiles:
            step = 100 / (len(quantiles) - 1)
            right.plot([i * step for i in range(len(quantiles))], quantiles, label=row["name"])
        else:
            right.plot([50, 99], [row["p50_ms"], row["p99_ms"]], "o--", label=row["name"])
    right.set_yscale("log")
    right.set_xlabel("percentile")
    right.set_ylabel("ms (log scale)")
    right.set_title("Latency distribution")
    if latencies:
        right.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    machine = run["machine"]
    fig.suptitle(
        f"GreenLink benchmark {run['started_utc']} (scale {run['scale']}),"
        f" {machine['logical_cpus']} logical CPUs shared by broker, database and services"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
