"""CPU time each process spent during one step, from /proc/<pid>/stat (utime + stime).

Printed per project for every stage (registry API, relays, each consumer, the broker, and
PostgreSQL with its backends), so the
cost of a change shows as milliseconds of CPU rather than as a rate that depends on what else
shared the two cores.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_ms_of_stat(stat: str) -> float:
    """utime + stime of one /proc/<pid>/stat line; the name in parentheses may hold spaces."""
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) * 1000 / TICKS_PER_S


def cpu_ms(pid: int) -> float:
    return cpu_ms_of_stat(Path(f"/proc/{pid}/stat").read_text())


@dataclass
class CpuUse:
    """Milliseconds of CPU per named process between enter and exit of `measured`."""

    spent: dict[str, float] = field(default_factory=dict)

    def lines(self, projects: int) -> list[str]:
        rows = [f"CPU per project, by stage ({projects:,} projects)"]
        for name, ms in self.spent.items():
            rows.append(f"  {name:<28} {ms:10,.0f} ms CPU = {ms / projects:7.2f} ms/project")
        total = sum(self.spent.values())
        rows.append(
            f"  {'all of the above':<28} {total:10,.0f} ms CPU = {total / projects:7.2f} ms/project"
        )
        return rows


def family_cpu_ms(parent: int) -> dict[int, float]:
    """CPU of `parent` and of each of its children now (PostgreSQL: the postmaster and one
    backend per connection), by pid."""
    found = {parent: cpu_ms(parent)}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:  # exited while the table was read
            continue
        if int(stat[stat.rindex(")") + 2 :].split()[1]) == parent:  # field 4 of proc(5): ppid
            found[int(proc.name)] = cpu_ms_of_stat(stat)
    return found


def spent_since(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """A process started during the step spent all its CPU in it; one that ended is lost."""
    return sum(ms - before.get(pid, 0.0) for pid, ms in after.items())


@contextmanager
def measured(
    pids: Mapping[str, int], families: Mapping[str, int] | None = None
) -> Iterator[CpuUse]:
    """`pids` are single processes; `families` are parents counted with their children."""
    families = families or {}
    before = {name: cpu_ms(pid) for name, pid in pids.items()}
    before_families = {name: family_cpu_ms(pid) for name, pid in families.items()}
    use = CpuUse()
    yield use
    use.spent = {name: cpu_ms(pid) - before[name] for name, pid in pids.items()}
    for name, pid in families.items():
        use.spent[name] = spent_since(before_families[name], family_cpu_ms(pid))
