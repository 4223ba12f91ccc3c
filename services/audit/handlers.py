"""Consumed events → ledger append + read models, in the inbox's transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import asyncpg
from prometheus_client import Counter, Gauge

from audit.read_model.table_rows import Recorded
from audit.repository import checkpoints
from audit.repository import ledger as ledger_store
from audit.repository import projections as read_model
from audit.repository.checkpoints import Anchoring
from schemas.envelope import Envelope, EventData
from servicekit.batches import apply_isolating
from servicekit.consumers import Batch, HandlerTable
from servicekit.db import Connection

log = logging.getLogger(__name__)

LEDGER_HEAD = Gauge("greenlink_audit_ledger_head", "Sequence number of the ledger's last entry")
VIEW_GAPS = Counter(
    "greenlink_audit_view_gaps_total", "Ledger entries a read model could not take", ["type"]
)
VIEW_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
)


def ledger_handlers(models: Iterable[type[EventData]], anchoring: Anchoring) -> HandlerTable:
    """One handler for every event type: each is sealed into the ledger the same way."""

    async def seal(con: Connection, delivered: Batch) -> None:
        await record(con, [(d.envelope, d.data) for d in delivered], anchoring)

    return HandlerTable.one_for_all(models, seal)


async def record(
    con: Connection, events: Sequence[tuple[Envelope, EventData]], anchoring: Anchoring
) -> None:
    """Append a consumed batch to the ledger, sign a checkpoint when one is due and apply the
    batch to the read models, in `con`'s transaction; events already held change nothing."""
    entries = await ledger_store.append(con, [envelope for envelope, _ in events])
    if not entries:
        return
    await checkpoints.after_append(con, anchoring, entries)
    seq_of = {e.index.event_id: e.seq for e in entries}
    fresh = {
        env.id: Recorded(seq_of[env.id], env.id, data) for env, data in events if env.id in seq_of
    }
    await apply_views(con, sorted(fresh.values(), key=lambda r: r.seq))
    LEDGER_HEAD.set(entries[-1].seq)


async def apply_views(con: Connection, recorded: Sequence[Recorded]) -> None:
    """Update read models under a savepoint: a view that cannot take an event never keeps it
    out of the ledger; the gap is recorded, counted and mended by a replay of the views."""

    async def apply(batch: Sequence[Recorded]) -> None:
        async with con.transaction():
            await read_model.apply(con, batch)

    async def note_gap(one: Recorded, exc: BaseException) -> None:
        VIEW_GAPS.labels(one.event.event_type).inc()
        log.warning(
            "read model refused a ledger entry",
            extra={"seq": one.seq, "event_id": str(one.event_id), "error": repr(exc)},
        )
        await read_model.note_gap(con, one, exc)

    await apply_isolating(recorded, apply, VIEW_ERRORS, note_gap)
