"""A live deal stream is woken by its lender's feed growing, not by its next poll."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import matching.app as matching_app
from deploy.local.infra import InfraInfo
from matching.config import MatchingSettings
from matching.repository import feeds as feed_store
from schemas.deals import DealWithdrawn
from servicekit.db import create_pool
from servicekit.rls import SYSTEM, act_for
from tests.support.samples import lender_body
from tests.support.services import RunningService

pytestmark = pytest.mark.integration


def _withdrawn(lender_id: uuid.UUID) -> DealWithdrawn:
    return DealWithdrawn(
        deal_id=uuid.uuid4(), lender_id=lender_id, mandate_id=uuid.uuid4(), mandate_version=1,
        project_id=uuid.uuid4(), project_version=1, reason="feed signal test",
        withdrawn_at=datetime.now(UTC),
    )  # fmt: skip


async def test_a_stream_that_would_poll_only_every_ten_minutes_gets_a_new_entry_at_once(
    matching: RunningService, infra: InfraInfo, mint: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lender = uuid.uuid4()
    headers = mint("lender", lender)
    assert (
        await matching.client.post("/v1/lenders", json=lender_body(), headers=headers)
    ).status_code == 201
    monkeypatch.setenv("FEED_POLL_SECONDS", "600")
    app = matching_app.build_app(MatchingSettings())
    pool = await create_pool(infra.database_url, "matching", min_size=1, max_size=1)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://matching") as client:
                stream = asyncio.create_task(
                    client.get(
                        f"/v1/lenders/{lender}/deals/stream",
                        params={"max_events": 1, "idle_timeout_s": 300},
                        headers=headers,
                    )
                )
                await asyncio.sleep(1)  # the stream has read its empty feed and waits
                async with pool.acquire() as con, con.transaction():
                    await act_for(con, SYSTEM, None)
                    await feed_store.append_to_feeds(con, [_withdrawn(lender)])
                # Polling alone would answer after 300 s; the notification answers at once.
                answer = await asyncio.wait_for(stream, 60)
    finally:
        await pool.close()
    ids = [line for line in answer.text.splitlines() if line.startswith("id:")]
    assert ids == ["id: 1"], answer.text


async def test_only_streams_of_the_lender_whose_feed_grew_are_woken(
    matching: RunningService, infra: InfraInfo, mint: Any
) -> None:
    lender, other = uuid.uuid4(), uuid.uuid4()
    for tenant in (lender, other):
        await matching.client.post(
            "/v1/lenders", json=lender_body(), headers=mint("lender", tenant)
        )
    signals = matching.spec.app_factory().state.feed_signals
    await signals.start(infra.app_database_url, "matching")
    pool = await create_pool(infra.database_url, "matching", min_size=1, max_size=1)
    try:
        with signals.follow(lender) as grew, signals.follow(other) as untouched:
            async with pool.acquire() as con, con.transaction():
                await act_for(con, SYSTEM, None)
                await feed_store.append_to_feeds(con, [_withdrawn(lender)])
            await asyncio.wait_for(grew.wait(), 30)
            await asyncio.sleep(0.5)
            assert not untouched.is_set()
    finally:
        await signals.stop()
        await pool.close()
