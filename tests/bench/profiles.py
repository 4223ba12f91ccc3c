"""Flame graphs under load: py-spy samples each service process while a timed step runs.

`make profile` (or `make bench BENCH_ARGS=--profile`) attaches one `py-spy record` to every
process of a step, without pausing it (`--nonblocking`), aggregated by function, and stops them
all when the step ends; each writes an SVG flame graph under `profiles/<run>/` beside the
report's JSON. Each graph is then read back (its frames carry their sample counts) to name the
functions and packages that spent the most samples themselves, so the report can say what
dominates each process's CPU without opening the pictures. Sampling costs CPU on a shared
machine: the figures of a profiled run are not compared with those of an unprofiled one.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RATE_HZ = 50  # samples per second per process: a dozen samplers share two cores with the run
_FRAME = re.compile(
    r'<title>(?P<name>[^<]*?) \([\d,]+ samples?, [\d.]+%\)</title><rect [^>]*?y="(?P<y>\d+)"'
    r'[^>]*?fg:x="(?P<x>\d+)" fg:w="(?P<w>\d+)"'
)
_UNESCAPE = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&apos;": "'"}


@dataclass(frozen=True)
class Frame:
    name: str  # "function (package/module.py:line)"
    depth: int
    start: int
    samples: int


def frames_of(svg: str) -> list[Frame]:
    """Every frame a py-spy (inferno) flame graph drew, with its sample span."""
    found = []
    for m in _FRAME.finditer(svg):
        name = m["name"]
        for escaped, plain in _UNESCAPE.items():
            name = name.replace(escaped, plain)
        found.append(Frame(name, int(m["y"]), int(m["x"]), int(m["w"])))
    return found


def self_samples(frames: list[Frame]) -> Counter[str]:
    """Samples spent in each function itself: its span less its callees' spans. The graph
    draws callers above callees (icicle) or below (flame); either way a callee sits one row
    away and inside the caller's span."""
    rows = sorted({f.depth for f in frames})
    if len(rows) < 2:
        return Counter()
    root_at_top = any(f.name == "all" and f.depth == rows[0] for f in frames)
    callee_offset = (rows[1] - rows[0]) * (1 if root_at_top else -1)
    by_row: dict[int, list[Frame]] = {}
    for f in frames:
        by_row.setdefault(f.depth, []).append(f)
    spent: Counter[str] = Counter()
    for f in frames:
        if f.name == "all":
            continue
        callees = by_row.get(f.depth + callee_offset, [])
        inner = sum(c.samples for c in callees if f.start <= c.start < f.start + f.samples)
        spent[f.name] += f.samples - inner
    return spent


def package_of(frame_name: str) -> str:
    """`parse_record (servicekit/inbox.py:72)` → `servicekit`; `<module> (x.py:1)` → `x.py`."""
    where = frame_name.rsplit(" (", 1)[-1].rstrip(")")
    path = where.rsplit(":", 1)[0]
    return path.split("/", 1)[0] if "/" in path else path


@dataclass(frozen=True)
class Finding:
    """What one process spent its sampled time on."""

    process: str
    svg: Path
    samples: int
    top_functions: list[tuple[str, float]]  # (function, share of samples spent in it itself)
    top_packages: list[tuple[str, float]]

    def line(self) -> str:
        packages = ", ".join(f"{name} {share:.0%}" for name, share in self.top_packages[:4])
        head = self.top_functions[0] if self.top_functions else ("(no samples)", 0.0)
        return (
            f"  {self.process:<18} {self.samples:6,} samples: {packages};"
            f" top function {head[0]} {head[1]:.0%}"
        )

    def as_json(self, relative_to: Path) -> dict[str, Any]:
        return {
            "process": self.process,
            "svg": str(self.svg.relative_to(relative_to)),
            "samples": self.samples,
            "top_functions": [[n, round(s, 3)] for n, s in self.top_functions],
            "top_packages": [[n, round(s, 3)] for n, s in self.top_packages],
        }


def finding(process: str, svg: Path, top: int = 8) -> Finding:
    """The functions and packages that spent the most samples themselves in one graph."""
    spent = self_samples(frames_of(svg.read_text())) if svg.exists() else Counter()
    total = sum(spent.values()) or 1
    packages: Counter[str] = Counter()
    for name, n in spent.items():
        packages[package_of(name)] += n
    return Finding(
        process,
        svg,
        sum(spent.values()),
        [(name, n / total) for name, n in spent.most_common(top)],
        [(name, n / total) for name, n in packages.most_common(top)],
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Profiles:
    """The flame graphs of one step, filled in when the step ends."""

    step: str
    findings: list[Finding]

    def lines(self) -> list[str]:
        if not self.findings:
            return []
        head = f"flame graphs, {self.step} (self time by package; the busiest function)"
        return [head, *(f.line() for f in self.findings)]


@contextmanager
def profiled(step: str, pids: Mapping[str, int], folder: Path | None) -> Iterator[Profiles]:
    """py-spy on each of `pids` (named processes) while the block runs; nothing without a
    folder. The SVGs are `<folder>/<step>-<process>.svg`."""
    profiles = Profiles(step, [])
    if folder is None:
        yield profiles
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    folder.mkdir(parents=True, exist_ok=True)
    svgs = {name: folder / f"{_slug(step)}-{_slug(name)}.svg" for name in pids}
    options = ["--function", "--nonblocking", "--rate", str(RATE_HZ)]
    samplers = [
        subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--output", str(svgs[name]), *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]
    try:
        yield profiles
    finally:
        for sampler in samplers:  # SIGINT: py-spy stops sampling and writes the graph
            sampler.send_signal(signal.SIGINT)
        for sampler in samplers:
            try:
                sampler.wait(60)
            except subprocess.TimeoutExpired:
                sampler.kill()
        profiles.findings = [finding(name, svg) for name, svg in svgs.items()]
