"""Ledger SQL: the serialised append, the head, checkpoint hashes and the rows a verify walks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from audit.ledger.chain import Entry, EntryIndex, link
from audit.ledger.chain_walk import StoredEntry
from schemas.envelope import Envelope
from servicekit.db import Connection, Executor, insert_rows

COLUMNS = (
    "seq",
    "event_id",
    "type",
    "subject",
    "project_id",
    "event_time",
    "prev_hash",
    "hash",
    "body",
)
STORED = "seq, event_id, type, subject, project_id, event_time, prev_hash, hash, body"


@dataclass(frozen=True)
class Head:
    seq: int
    hash: bytes


def _row(e: Entry) -> tuple[Any, ...]:
    i = e.index
    return (
        e.seq,
        i.event_id,
        i.type,
        i.subject,
        i.project_id,
        i.event_time,
        e.prev_hash,
        e.hash,
        e.body,
    )


async def append(con: Connection, envelopes: Sequence[Envelope]) -> list[Entry]:
    """Seal and store the events not yet in the ledger, holding the head lock until commit."""
    head = await con.fetchrow("SELECT seq, hash FROM ledger_head FOR UPDATE")
    assert head is not None, "ledger_head row missing: migration 0001 not applied"
    ids = [e.id for e in envelopes]
    found = await con.fetch("SELECT event_id FROM ledger WHERE event_id = ANY($1::uuid[])", ids)
    known = {r["event_id"] for r in found}
    fresh = list({e.id: e for e in envelopes if e.id not in known}.values())
    entries = link(head["seq"], bytes(head["hash"]), fresh)
    if not entries:
        return []
    await insert_rows(con, "ledger", COLUMNS, [_row(e) for e in entries])
    last = entries[-1]
    await con.execute(
        "UPDATE ledger_head SET seq = $1, hash = $2, updated_at = now()", last.seq, last.hash
    )
    return entries


async def head(con: Executor) -> Head:
    row = await con.fetchrow("SELECT seq, hash FROM ledger_head")
    assert row is not None
    return Head(row["seq"], bytes(row["hash"]))


async def checkpoints_between(con: Connection, first: int, last: int | None) -> dict[int, bytes]:
    rows = await con.fetch(
        "SELECT DISTINCT ON (seq) seq, hash FROM checkpoints"
        " WHERE seq >= $1 AND ($2::bigint IS NULL OR seq <= $2) ORDER BY seq, id",
        first,
        last,
    )
    return {r["seq"]: bytes(r["hash"]) for r in rows}


async def stored_hash(con: Connection, seq: int) -> bytes | None:
    value = await con.fetchval("SELECT hash FROM ledger WHERE seq = $1", seq)
    return bytes(value) if value is not None else None


def stored(r: asyncpg.Record) -> StoredEntry:
    index = EntryIndex(r["event_id"], r["type"], r["subject"], r["project_id"], r["event_time"])
    return StoredEntry(r["seq"], index, bytes(r["prev_hash"]), bytes(r["hash"]), bytes(r["body"]))


async def entries_after(
    con: Connection, after: int, last: int | None, limit: int
) -> list[StoredEntry]:
    rows = await con.fetch(
        f"SELECT {STORED} FROM ledger WHERE seq > $1 AND ($2::bigint IS NULL OR seq <= $2)"
        " ORDER BY seq LIMIT $3",
        after,
        last,
        limit,
    )
    return [stored(r) for r in rows]
