"""Wake live deal streams the moment their lender's feed grows, not at their next poll.

A feed append NOTIFYs `<schema>_feed` with the lender's id, delivered when its transaction
commits. Each API process holds one LISTEN connection and wakes the streams that follow that
lender. Streams still poll at `FEED_POLL_SECONDS` as a safety net (a dropped listener, say),
so a missed notification delays an entry and never loses it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg

FEED_CHANNEL_SUFFIX = "_feed"


class FeedSignals:
    """One listener per process; `follow(lender)` gives a stream the event to wait on."""

    def __init__(self) -> None:
        self._followers: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._con: asyncpg.Connection | None = None

    async def start(self, database_url: str, schema: str) -> None:
        self._con = await asyncpg.connect(database_url)
        await self._con.add_listener(f"{schema}{FEED_CHANNEL_SUFFIX}", self._on_notify)

    async def stop(self) -> None:
        if self._con is not None:
            await self._con.close()
            self._con = None

    def _on_notify(self, _con: Any, _pid: int, _channel: str, payload: object) -> None:
        for event in self._followers.get(str(payload), ()):
            event.set()

    @contextmanager
    def follow(self, lender_id: uuid.UUID) -> Iterator[asyncio.Event]:
        """An event set whenever the lender's feed grows; clear it before each read."""
        key, event = str(lender_id), asyncio.Event()
        self._followers[key].add(event)
        try:
            yield event
        finally:
            self._followers[key].discard(event)
            if not self._followers[key]:
                del self._followers[key]
