"""Checkpoint SQL: sign the chain head, store it and stage its event in one transaction.

Three moments take a checkpoint: an append that crosses a multiple of `every` entries
('periodic'), a timer that finds the head moved since the last one ('interval'), and an
operator's request ('requested'). Each holds the head lock, so it signs a head that exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from audit.ledger.chain import Entry, checkpoint_due
from audit.ledger.checkpoint import Signer, b64url
from schemas.ledger import LedgerCheckpointed, Reason
from servicekit.db import Connection, Executor
from servicekit.errors import Conflict
from servicekit.outbox import enqueue
from servicekit.provenance import source_of

SOURCE = source_of("audit")  # the topic owner's name, as provenance checks expect
COLUMNS = "id, seq, hash, reason, requested_by, created_at, signed_at, key_id, signature"


@dataclass(frozen=True)
class Anchoring:
    """How the ledger is anchored: who signs, and every how many entries."""

    signer: Signer
    every: int


async def seal(
    con: Connection, signer: Signer, seq: int, head_hash: bytes, reason: Reason, by: str | None
) -> asyncpg.Record:
    """Sign the head at `seq`, store the checkpoint and stage `ledger.checkpointed.v1`."""
    signed = signer.sign(seq, head_hash, datetime.now(UTC))
    row = await con.fetchrow(
        "INSERT INTO checkpoints (seq, hash, reason, requested_by, signed_at, key_id, signature)"
        f" VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}",
        seq,
        head_hash,
        reason,
        by,
        signed.signed_at,
        signed.key_id,
        signed.signature,
    )
    assert row is not None
    event = LedgerCheckpointed(
        checkpoint_id=row["id"],
        seq=seq,
        hash=head_hash.hex(),
        reason=reason,
        signed_at=signed.signed_at,
        key_id=signed.key_id,
        signature=b64url(signed.signature),
    )
    await enqueue(con, [event], source=SOURCE)
    return row


async def after_append(con: Connection, anchoring: Anchoring, entries: Sequence[Entry]) -> None:
    """Within the append's transaction: sign the new head if it crossed a multiple of N."""
    if entries and checkpoint_due(entries[0].seq - 1, entries[-1].seq, anchoring.every):
        last = entries[-1]
        await seal(con, anchoring.signer, last.seq, last.hash, "periodic", None)


async def _locked_head(con: Connection) -> tuple[int, bytes]:
    head = await con.fetchrow("SELECT seq, hash FROM ledger_head FOR UPDATE")
    assert head is not None, "ledger_head row missing: migration 0001 not applied"
    return head["seq"], bytes(head["hash"])


async def request(con: Connection, signer: Signer, requested_by: str) -> asyncpg.Record:
    """An operator's checkpoint of the head as it stands now."""
    async with con.transaction():
        seq, head_hash = await _locked_head(con)
        if seq == 0:
            raise Conflict("the ledger is empty: there is no head to sign yet")
        return await seal(con, signer, seq, head_hash, "requested", requested_by)


async def on_interval(pool: asyncpg.Pool, signer: Signer) -> asyncpg.Record | None:
    """The timer's checkpoint: only when entries arrived since the last signed one."""
    async with pool.acquire() as con, con.transaction():
        seq, head_hash = await _locked_head(con)
        signed = await con.fetchval(
            "SELECT seq FROM checkpoints WHERE signature IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        if seq == 0 or (signed is not None and signed >= seq):
            return None
        return await seal(con, signer, seq, head_hash, "interval", None)


async def listed(con: Executor, after: int, limit: int) -> list[asyncpg.Record]:
    return await con.fetch(
        f"SELECT {COLUMNS} FROM checkpoints WHERE id > $1 ORDER BY id LIMIT $2", after, limit
    )


async def latest(con: Executor) -> asyncpg.Record | None:
    return await con.fetchrow(
        f"SELECT {COLUMNS} FROM checkpoints WHERE signature IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
