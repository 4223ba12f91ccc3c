"""SQL for each lender's ordered deal feed and the NOTIFY that wakes its live streams."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

import asyncpg

from matching.repository.feed_signals import FEED_CHANNEL_SUFFIX
from schemas.envelope import EventData
from servicekit.db import Connection, Executor


async def append_to_feeds(con: Connection, events: Sequence[EventData]) -> None:
    """Give each deal event the next position in its lender's feed, lenders locked in order."""
    by_lender: dict[uuid.UUID, list[EventData]] = defaultdict(list)
    for event in events:
        by_lender[getattr(event, "lender_id")].append(event)  # noqa: B009
    rows: list[tuple[object, ...]] = []
    for lender_id in sorted(by_lender):
        items = by_lender[lender_id]
        end = await con.fetchval(
            "UPDATE lenders SET feed_position = feed_position + $2 WHERE lender_id = $1"
            " RETURNING feed_position",
            lender_id,
            len(items),
        )
        if end is None:
            continue
        start = end - len(items) + 1
        rows.extend(
            (lender_id, start + i, getattr(e, "deal_id"), e.event_type, e.model_dump(mode="json"))  # noqa: B009
            for i, e in enumerate(items)
        )
    await con.executemany(
        "INSERT INTO feed (lender_id, position, deal_id, event_type, payload)"
        " VALUES ($1, $2, $3, $4, $5)",
        rows,
    )
    # Live streams of these lenders wake at commit (matching/feed_signals.py).
    await con.execute(
        "SELECT pg_notify(current_schema() || $1, lender::text) FROM unnest($2::uuid[]) AS lender",
        FEED_CHANNEL_SUFFIX,
        sorted({r[0] for r in rows}, key=str),
    )


async def feed_page(
    con: Executor, lender_id: uuid.UUID, after: int, limit: int
) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT position, deal_id, event_type, payload, at FROM feed"
        " WHERE lender_id = $1 AND position > $2 ORDER BY position LIMIT $3",
        lender_id,
        after,
        limit,
    )
