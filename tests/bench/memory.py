"""Memory of the running platform: Kafka, PostgreSQL and every service process of this checkout.

Processes are found from their command lines (which name this checkout's state folder) and
then every descendant is added; memory is proportional set size, so PostgreSQL's shared
buffers are counted once rather than once per backend.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _processes() -> dict[int, tuple[int, str]]:
    table: dict[int, tuple[int, str]] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        table[int(proc.name)] = (ppid, cmdline)
    return table


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _markers(state: Path) -> list[str]:
    markers = [str(state)]
    try:
        pg_root = json.loads((state / "state.json").read_text())["postgres"]["root"]
        markers.append(str(pg_root))
    except (OSError, KeyError, ValueError):
        pass
    return markers


def platform_memory_mib(state: Path = ROOT / ".greenlink") -> tuple[float, int]:
    """Total PSS of the platform's process trees, and how many processes they hold."""
    table = _processes()
    markers = _markers(state)
    chosen = {
        pid
        for pid, (_, cmd) in table.items()
        if any(m in cmd for m in markers) and "pytest" not in cmd
    }
    grew = True
    while grew:
        children = {pid for pid, (ppid, _) in table.items() if ppid in chosen} - chosen
        chosen |= children
        grew = bool(children)
    return sum(_pss_kib(pid) for pid in chosen) / 1024, len(chosen)


def report() -> str:
    mib, count = platform_memory_mib()
    return (
        f"{'platform memory (PSS)':<44} {mib:12,.0f} MiB over {count} processes"
        "   (target < 3 GiB after `make up`; measured while the platform runs)"
    )
