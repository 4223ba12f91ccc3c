"""Ledger throughput: batched append and streamed verify, beside a one-event-per-transaction
baseline, on synthetic deal answers in a throwaway schema. `python -m tests.bench.audit_ledger`."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import audit
from audit.handlers import record
from audit.ledger.checkpoint import Signer
from audit.ledger.verify_stored import verify_ledger
from audit.repository.checkpoints import Anchoring
from schemas.deals import DealResponded, Disbursement, Offer
from schemas.envelope import Envelope, EventData
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, acting_as
from tests.support.scratch_schema import scratch_schema

PACKAGE_DIR = Path(audit.__file__).parent  # its migrations


@dataclass(frozen=True)
class AuditBench:
    """Events per second into the ledger (with read models) and entries per second verified."""

    entries: int
    batch_size: int
    append_s: float
    append_events_per_s: float
    naive_events: int
    naive_append_events_per_s: float
    verify_s: float
    verify_entries_per_s: float
    verify_ok: bool


def synthetic_answers(count: int, seed: int = 7) -> list[tuple[Envelope, EventData]]:
    """Offers and disbursements on random deals, about the size of real deal answers."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events: list[tuple[Envelope, EventData]] = []
    for n in range(count):
        amount = Decimal(rng.randrange(1_000_000, 90_000_000)).quantize(Decimal("0.01"))
        offer = Offer(
            instrument=rng.choice(["green_loan", "carbon_reduction_facility_loan"]),
            amount_cny=amount, rate_percent=Decimal("1.75"), tenor_months=60,
        )  # fmt: skip
        paid = n % 2 == 1
        at = start + timedelta(minutes=n)
        event = DealResponded(
            deal_id=uuid.uuid4(), lender_id=uuid.uuid4(), mandate_id=uuid.uuid4(),
            mandate_version=1, project_id=uuid.uuid4(), project_version=1,
            enterprise_id=uuid.uuid4(), city="changsha", family="renewable_power",
            response=Disbursement(amount_cny=amount, disbursed_on=date(2026, 2, 1)) if paid
            else offer, offer_in_force=offer if paid else None, responded_at=at,
        )  # fmt: skip
        events.append((Envelope.wrap(event, source="greenlink/bench"), event))
    return events


async def _append(
    pool: asyncpg.Pool, events: list[tuple[Envelope, EventData]], batch: int
) -> float:
    anchoring = Anchoring(Signer(Ed25519PrivateKey.generate()), 10_000)  # a throwaway key
    started = time.perf_counter()
    for i in range(0, len(events), batch):
        async with acting_as(pool, SYSTEM) as con:  # as the ledger consumer
            await record(con, events[i : i + batch], anchoring)
    return time.perf_counter() - started


async def run_bench(
    database_url: str, entries: int = 50_000, batch_size: int = 2000, naive_events: int = 2000
) -> AuditBench:
    async with scratch_schema(database_url, "audit_bench", PACKAGE_DIR) as schema:
        pool = await create_pool(database_url, schema, min_size=1, max_size=2)
        try:
            append_s = await _append(pool, synthetic_answers(entries), batch_size)
            naive_s = await _append(pool, synthetic_answers(naive_events, seed=8), 1)
            outcome = await verify_ledger(pool, batch_rows=5000)
        finally:
            await pool.close()
    return AuditBench(
        entries=entries,
        batch_size=batch_size,
        append_s=round(append_s, 3),
        append_events_per_s=round(entries / append_s),
        naive_events=naive_events,
        naive_append_events_per_s=round(naive_events / naive_s),
        verify_s=round(outcome.seconds, 3),
        verify_entries_per_s=round(outcome.checked / outcome.seconds),
        verify_ok=outcome.first_break is None and outcome.checked == entries + naive_events,
    )


if __name__ == "__main__":
    result = asyncio.run(run_bench(os.environ["DATABASE_URL"]))
    print(json.dumps(asdict(result), indent=2))
