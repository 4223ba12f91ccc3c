"""A new or changed mandate meets every stored project a chunk at a time, outside the consumer's
batch, and a crash or a second replica opens no deal twice and skips none."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest

import matching.app as matching_app
import matching.mandate_sweeps as sweeps
from deploy.local.infra import InfraInfo
from matching.handlers import consumer_handlers, settle
from matching.lending.mandates import Mandate
from matching.repository import lenders as lender_store
from matching.repository import projects as project_store
from matching.repository.book_keeper import BookKeeper
from schemas.lending import LenderRegistered, LenderSpec, MandateVersion
from schemas.topics import MANDATES
from servicekit.db import create_pool
from servicekit.inbox import InboxConsumer
from servicekit.rls import SYSTEM, act_for, acting_for
from tests.support.deliveries import delivered
from tests.support.matching_samples import example_spec
from tests.support.samples import lender_body
from tests.support.scratch_schema import scratch_schema
from tests.unit.matching.test_scored import scored_event

pytestmark = pytest.mark.integration

FITTING, WITHDRAWN, OUT_OF_CITY = 23, 3, 4
CHUNK = 5


@dataclass
class Book:
    pool: asyncpg.Pool
    inbox: InboxConsumer
    fitting: set[uuid.UUID]


@pytest.fixture
async def book(infra: InfraInfo) -> AsyncIterator[Book]:
    """Projects stored before any mandate: some fit the example mandate, some are withdrawn,
    some are in another city."""
    package = Path(matching_app.__file__).parent
    async with scratch_schema(infra.database_url, "matching_sweeps", package) as schema:
        pool = await create_pool(infra.database_url, schema, min_size=1, max_size=4)
        try:
            fitting = [scored_event(project_id=uuid.uuid4()) for _ in range(FITTING)]
            gone = [scored_event(project_id=uuid.uuid4()) for _ in range(WITHDRAWN)]
            elsewhere = [
                scored_event(project_id=uuid.uuid4(), city="yueyang") for _ in range(OUT_OF_CITY)
            ]
            async with pool.acquire() as con, con.transaction():
                await act_for(con, SYSTEM, None)
                await project_store.keep_newer_scores(con, [*fitting, *gone, *elsewhere])
                await project_store.withdraw_projects(con, [s.project_id for s in gone])
            inbox = InboxConsumer(
                "matching-deals",
                "matching",
                pool,
                cast(Any, None),
                cast(Any, None),
                consumer_handlers(BookKeeper()),
            )
            yield Book(pool, inbox, {s.project_id for s in fitting})
        finally:
            await pool.close()


async def _open_mandate(pool: asyncpg.Pool) -> tuple[Mandate, MandateVersion]:
    """A lender's mandate as its API command stores it (its event not yet consumed)."""
    lender = uuid.uuid4()
    now = datetime.now(UTC)
    mandate, event = Mandate.register(
        example_spec(min_score=0, capacity_cny=Decimal("100000000000.00")), lender_id=lender, at=now
    )
    registered = LenderRegistered(
        **dict(LenderSpec.model_validate(lender_body())), lender_id=lender, registered_at=now
    )
    async with acting_for(pool, SYSTEM, None) as con:
        await lender_store.insert_lender(con, registered)
        await lender_store.save_mandate_version(con, event)
    return mandate, event


async def _deals(pool: asyncpg.Pool, mandate_id: uuid.UUID) -> list[uuid.UUID]:
    """The mandate's open deals' projects, a project as often as it has one."""
    async with acting_for(pool, SYSTEM, None) as con:
        rows = await con.fetch(
            "SELECT project_id FROM deals WHERE mandate_id = $1 AND state = 'matched'", mandate_id
        )
    return [r["project_id"] for r in rows]


async def _announced(pool: asyncpg.Pool, mandate: Mandate) -> int:
    """deal.matched events in the outbox (what Kafka will carry) for the mandate's lender."""
    async with acting_for(pool, SYSTEM, None) as con:
        return int(
            await con.fetchval(
                "SELECT count(*) FROM outbox WHERE type = 'deal.matched.v1' AND aggregate_id = $1",
                str(mandate.lender_id),
            )
        )


async def _consume(book: Book, event: MandateVersion, offset: int = 0) -> None:
    await book.inbox._apply([delivered(event, MANDATES.name, "greenlink/matching", offset)])


async def test_the_consumer_batch_of_a_new_mandate_only_queues_its_match(book: Book) -> None:
    """The batch carrying the mandate event opens no deal itself: matching it against a large
    project database in that one transaction outlived the consumer's Kafka session, and the
    batch ran again from the start forever."""
    mandate, event = await _open_mandate(book.pool)
    await _consume(book, event)
    assert await _deals(book.pool, mandate.mandate_id) == []
    async with acting_for(book.pool, SYSTEM, None) as con:
        assert await con.fetchval("SELECT count(*) FROM mandate_sweeps") == 1


async def test_a_sweep_covers_every_stored_project_a_chunk_per_transaction(book: Book) -> None:
    mandate, event = await _open_mandate(book.pool)
    await _consume(book, event)
    first = await sweeps.sweep_chunk(book.pool, CHUNK)
    assert (first.mandate_id, first.finished) == (mandate.mandate_id, False)
    assert first.scanned <= CHUNK and len(await _deals(book.pool, mandate.mandate_id)) <= CHUNK
    steps = 1
    while not (await sweeps.sweep_chunk(book.pool, CHUNK)).finished:
        steps += 1
    stored = FITTING + WITHDRAWN + OUT_OF_CITY
    assert steps == -(-stored // CHUNK)  # one transaction per chunk of stored projects
    deals = await _deals(book.pool, mandate.mandate_id)
    assert sorted(deals) == sorted(book.fitting)
    assert await _announced(book.pool, mandate) == FITTING
    assert (await sweeps.sweep_chunk(book.pool, CHUNK)).mandate_id is None  # nothing waits


async def test_a_sweep_that_dies_mid_chunk_resumes_there_and_opens_each_deal_once(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    mandate, event = await _open_mandate(book.pool)
    await _consume(book, event)
    await sweeps.sweep_chunk(book.pool, CHUNK)

    async def settle_then_die(*args: Any, **kwargs: Any) -> int:
        await settle(*args, **kwargs)  # the chunk's deals are written, not yet committed
        raise ConnectionResetError("the process died before its commit")

    monkeypatch.setattr(sweeps, "settle", settle_then_die)
    with pytest.raises(ConnectionResetError):
        await sweeps.sweep_chunk(book.pool, CHUNK)
    monkeypatch.undo()
    await _consume(book, event, offset=1)  # a copy of the same version restarts nothing
    await sweeps.rematch_now(book.pool, mandate.mandate_id, CHUNK)
    deals = await _deals(book.pool, mandate.mandate_id)
    assert sorted(deals) == sorted(book.fitting)
    assert await _announced(book.pool, mandate) == FITTING


async def test_two_replicas_share_the_sweeps_and_no_deal_opens_twice(book: Book) -> None:
    mandates = [await _open_mandate(book.pool) for _ in range(3)]
    for offset, (_, event) in enumerate(mandates):
        await _consume(book, event, offset)
    await asyncio.gather(*(sweeps.sweep_mandates(book.pool, CHUNK) for _ in range(2)))
    for mandate, _ in mandates:
        assert sorted(await _deals(book.pool, mandate.mandate_id)) == sorted(book.fitting)
        assert await _announced(book.pool, mandate) == FITTING
