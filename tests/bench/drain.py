"""Every timed step starts from a drained pipeline: each running service's consumer groups at
lag zero, read from its own `GET /v1/consumer-lag` (committed offsets against partition ends),
and, given the database, no mandate waiting for its sweep over the stored projects.

Without this a step measures what the step before left in flight: a latency run that starts
while an earlier bulk upload still flows through scoring and matching reports the backlog, and
one that starts while its own new mandate is still being matched against every stored project
(matching.mandate_sweeps, beside the consumer) times that sweep as well.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
import httpx

from servicekit.auth import Role
from servicekit.issuer import mint

POLL_S = 1.0


def total_lag(answer: Mapping[str, Any]) -> int:
    """Records written and not yet applied, over every group of one service's answer."""
    return sum(int(group["total_lag"]) for group in answer.get("groups", []))


async def count_as_system(con: asyncpg.Connection, sql: str, *args: object) -> int:
    """A count read as the system role, which row-level security lets see every tenant."""
    async with con.transaction():
        await con.execute("SELECT set_config('app.role', 'system', true)")
        return int(await con.fetchval(sql, *args))


async def sweeps_waiting(database_url: str) -> int:
    """Mandates not yet matched against every stored project."""
    con = await asyncpg.connect(database_url)
    try:
        return await count_as_system(con, "SELECT count(*) FROM matching.mandate_sweeps")
    finally:
        await con.close()


def wait_drained(
    step: str, api_urls: Sequence[str], timeout_s: float = 1800, database_url: str | None = None
) -> float:
    """Block until every consumer group of the services at `api_urls` has lag 0 (and, given
    the database, no mandate sweep waits); print the wait and return it in seconds."""
    headers = {"Authorization": f"Bearer {mint(Role.REGULATOR)}"}
    started = time.perf_counter()
    first: int | None = None
    while True:
        lags = []
        for url in api_urls:
            response = httpx.get(f"{url}/v1/consumer-lag", headers=headers, timeout=30)
            response.raise_for_status()
            lags.append(total_lag(response.json()))
        sweeps = asyncio.run(sweeps_waiting(database_url)) if database_url else 0
        first = sum(lags) if first is None else first
        waited = time.perf_counter() - started
        if not any(lags) and not sweeps:
            print(
                f"  [{step}] pipeline drained: every consumer group at lag 0"
                + (", no mandate sweep waiting," if database_url else "")
                + f" after {waited:.1f} s (lag at start: {first:,} records)",
                flush=True,
            )
            return waited
        if waited > timeout_s:
            raise RuntimeError(
                f"{step}: consumer lag still {sum(lags):,}, {sweeps} mandate sweeps waiting,"
                f" after {waited:.0f} s"
            )
        time.sleep(POLL_S)
