"""Resident memory of the running platform (Kafka, PostgreSQL, every service process)."""

from __future__ import annotations

from pathlib import Path

PATTERNS = (
    "kafka.Kafka",
    "postgres",
    "-m registry",
    "-m scoring",
    "-m matching",
    "-m audit",
    "supervisord",
)


def _rss_kib(pid: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def platform_rss_mib() -> tuple[float, int]:
    """Sum of resident memory over the platform's processes, and how many there are."""
    total, count = 0, 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if any(p in cmdline for p in PATTERNS) and "pytest" not in cmdline:
                total += _rss_kib(proc.name)
                count += 1
        except OSError:
            continue
    return total / 1024, count


def report() -> str:
    mib, count = platform_rss_mib()
    return (
        f"{'platform resident memory':<44} {mib:12,.0f} MiB over {count} processes"
        "   (target < 3 GiB after `make up`; run it with the platform up)"
    )
