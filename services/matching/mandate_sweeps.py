"""A registered or changed mandate meets every stored project, a chunk per transaction.

The consumer only queues the sweep (matching.handlers); a duty beside the relay works through
it. Each chunk locks its projects and the mandate's deals on them, opens and withdraws deals
and moves the sweep's cursor in one commit, so a process killed mid-sweep resumes at the next
chunk, and a chunk replayed opens nothing twice (deal ids are fixed by project and mandate
versions). Replicas share the queue: a sweep being worked on is skipped, not waited for.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass

import asyncpg
from prometheus_client import Counter, Gauge

from matching.handlers import settle
from matching.matching.matcher import MandateBook
from matching.repository import deals as deal_store
from matching.repository import lenders as lender_store
from matching.repository import projects as project_store
from matching.repository import sweeps as sweep_store
from servicekit.rls import SYSTEM, acting_for

log = logging.getLogger(__name__)

SWEPT = Counter(
    "greenlink_mandate_sweep_projects_total",
    "Live projects a mandate re-match has matched a changed mandate against",
)
WAITING = Gauge(
    "greenlink_mandate_sweeps_waiting", "Mandates not yet matched against every stored project"
)

CHUNK = 1000  # projects per transaction: well under a second of work on two shared cores


@dataclass(frozen=True)
class Step:
    """What one chunk did; `mandate_id` None when no sweep was waiting."""

    mandate_id: uuid.UUID | None = None
    scanned: int = 0
    opened: int = 0
    finished: bool = False


async def sweep_chunk(
    pool: asyncpg.Pool, chunk: int = CHUNK, mandate_id: uuid.UUID | None = None
) -> Step:
    """Match the oldest waiting mandate (or this one) against its next `chunk` projects, in
    one transaction."""
    async with acting_for(pool, SYSTEM, None) as con:
        sweep = await sweep_store.claim(con, mandate_id)
        if sweep is None:
            return Step()
        mandate = await lender_store.load_mandate(con, sweep.mandate_id)
        if mandate is None or mandate.closed or mandate.at_capacity:
            await sweep_store.drop(con, sweep.mandate_id)  # its own event withdraws its deals
            return Step(sweep.mandate_id, finished=True)
        facts, through = await project_store.project_facts_after(con, sweep.after_project, chunk)
        if through is None:
            await sweep_store.drop(con, sweep.mandate_id)
            _finished(sweep, 0, 0)
            return Step(sweep.mandate_id, finished=True)
        scope = await deal_store.deals_of_mandate_on(
            con, sweep.mandate_id, sweep.after_project, through
        )
        opened = await settle(con, scope, MandateBook([mandate]).match(facts))
        scanned = len(facts)
        SWEPT.inc(scanned)
        await sweep_store.advance(con, sweep, through, scanned, opened)
        return Step(sweep.mandate_id, scanned, opened)


def _finished(sweep: sweep_store.Sweep, scanned: int, opened: int) -> None:
    log.info(
        "mandate matched against every stored project",
        extra={
            "mandate_id": str(sweep.mandate_id),
            "mandate_version": sweep.mandate_version,
            "live_projects": sweep.scanned + scanned,
            "deals_opened": sweep.opened + opened,
        },
    )


async def sweep_mandates(pool: asyncpg.Pool, chunk: int = CHUNK, budget_s: float = 5.0) -> int:
    """Work through waiting sweeps for about `budget_s`; returns the projects scanned. The duty
    calls again at its next tick, so a stop never waits for a long sweep."""
    deadline = time.monotonic() + budget_s
    scanned = 0
    while time.monotonic() < deadline:
        step = await sweep_chunk(pool, chunk)
        if step.mandate_id is None:
            break
        scanned += step.scanned
    async with acting_for(pool, SYSTEM, None) as con:
        WAITING.set(await sweep_store.pending(con))
    return scanned


async def rematch_now(pool: asyncpg.Pool, mandate_id: uuid.UUID, chunk: int = CHUNK) -> None:
    """Match one mandate against every stored project before returning (an operator's or a
    test's re-match): queued as its event would, then swept here, sharing the work with any
    replica's duty that holds a chunk of it meanwhile."""
    async with acting_for(pool, SYSTEM, None) as con:
        mandate = await lender_store.load_mandate(con, mandate_id)
        if mandate is None:
            raise LookupError(f"mandate {mandate_id} not found")
        await sweep_store.start(con, mandate_id, mandate.version)
    while True:
        step = await sweep_chunk(pool, chunk, mandate_id)
        if step.finished:
            return
        if step.mandate_id is None:  # another replica holds its next chunk, or just ended it
            async with acting_for(pool, SYSTEM, None) as con:
                if not await sweep_store.waiting(con, mandate_id):
                    return
            await asyncio.sleep(0.05)
