"""Verifying the stored ledger: one consistent snapshot, walked in batches of rows."""

from __future__ import annotations

import time
from dataclasses import dataclass

import asyncpg

from audit.ledger.chain import GENESIS_HASH
from audit.ledger.chain_walk import Break, ChainWalk
from audit.repository import ledger as ledger_store
from servicekit.db import Connection


@dataclass(frozen=True)
class Outcome:
    """What a verify run covered and the first break it found, if any."""

    from_seq: int
    to_seq: int | None
    head_seq: int
    checked: int
    last_seq: int
    first_break: Break | None
    seconds: float


async def verify_ledger(
    pool: asyncpg.Pool, *, from_seq: int = 1, to_seq: int | None = None, batch_rows: int = 5000
) -> Outcome:
    """Re-walk entries from_seq..to_seq (to the end, and against the head, when to_seq is None)."""
    started = time.perf_counter()
    async with pool.acquire() as con, con.transaction(isolation="repeatable_read", readonly=True):
        head = await ledger_store.head(con)
        walk, broken = await _anchored_walk(con, from_seq, to_seq, head)
        after = from_seq - 1
        while broken is None:
            rows = await ledger_store.entries_after(con, after, to_seq, batch_rows)
            if not rows:
                break
            broken = walk.feed(rows)
            after = rows[-1].seq
        if broken is None and to_seq is None:
            broken = walk.finish(head.seq, head.hash)
    return Outcome(
        from_seq,
        to_seq,
        head.seq,
        walk.checked,
        walk.next_seq - 1,
        broken,
        time.perf_counter() - started,
    )


async def _anchored_walk(
    con: Connection,
    from_seq: int,
    to_seq: int | None,
    head: ledger_store.Head,
) -> tuple[ChainWalk, Break | None]:
    """Start after the stored hash of entry from_seq - 1 (genesis for the first entry)."""
    checkpoints = await ledger_store.checkpoints_between(con, from_seq, to_seq)
    head_seq = head.seq if to_seq is None else None
    anchor = GENESIS_HASH if from_seq == 1 else await ledger_store.stored_hash(con, from_seq - 1)
    walk = ChainWalk(from_seq, anchor or GENESIS_HASH, head_seq, checkpoints)
    if anchor is None and from_seq - 1 <= head.seq:
        missing = from_seq - 1
        return walk, Break(missing, None, "missing_entry", f"entry {missing} is missing")
    return walk, None
