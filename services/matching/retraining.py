"""The deal ranker's commands and consumer: ask for a retrain, train on each request, and the
schedule that asks by itself once enough new answers came in.

Every training goes through a `ranker.retrain_requested.v1` event, so the audit ledger holds
who asked and when, and the `ranker.trained.v1` it produces holds the evaluation it earned.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from matching.config import MatchingSettings
from matching.ranking.evaluation import train_ranker
from matching.repository import ranker as ranker_store
from schemas.ranking import RankerRetrainRequested, RankerTrained, RetrainCause
from servicekit.consumers import Batch, HandlerTable, on
from servicekit.db import Connection
from servicekit.outbox import enqueue
from servicekit.rls import SYSTEM, acting_for

SOURCE = "greenlink/matching"


def _now() -> datetime:
    return datetime.now(UTC)


async def _request(con: Connection, cause: RetrainCause, note: str) -> RankerRetrainRequested:
    event = RankerRetrainRequested(
        request_id=uuid.uuid4(), cause=cause, note=note, requested_at=_now()
    )
    await ranker_store.insert_request(con, event)
    await enqueue(con, [event], source=SOURCE)
    return event


async def request_retrain(pool: asyncpg.Pool, note: str) -> RankerRetrainRequested:
    """An operator asks for a retrain now; the ranker consumer trains when the event arrives.
    A request still waiting is answered instead of queueing another training behind it."""
    async with acting_for(pool, SYSTEM, None) as con:
        await ranker_store.lock_requests(con)
        waiting = await ranker_store.pending_request(con)
        return waiting or await _request(con, "operator", note)


async def retrain_if_due(pool: asyncpg.Pool, settings: MatchingSettings) -> bool:
    """The schedule asks for a retrain when enough answers came in since the newest version
    and no request is waiting; replicas take turns, so one asks."""
    ignored_after = timedelta(days=settings.ranker_ignored_after_days)
    async with acting_for(pool, SYSTEM, None) as con:
        await ranker_store.lock_requests(con)
        if await ranker_store.pending_request(con) is not None:
            return False
        trained = await ranker_store.trained_answers(con) or 0
        answers = await ranker_store.count_answers(con, ignored_after)
        if answers < trained + settings.ranker_retrain_new_answers:
            return False
        await _request(con, "schedule", f"{answers - trained} answers since the last training")
        return True


async def train(
    con: Connection, request: RankerRetrainRequested, settings: MatchingSettings
) -> RankerTrained | None:
    """Train every lender's model, evaluate it on held-out answers, store the version and
    announce it; None when the request was already answered (a replay)."""
    if await ranker_store.version_of_request(con, request.request_id) is not None:
        return None
    examples = await ranker_store.training_examples(
        con,
        timedelta(days=settings.ranker_ignored_after_days),
        settings.ranker_answers_per_lender,
    )
    trained = train_ranker(examples)
    now = _now()
    summary = {
        "ndcg10_learned": trained.mean("ndcg10_learned"),
        "ndcg10_fixed": trained.mean("ndcg10_fixed"),
        "auc_learned": trained.mean("auc_learned"),
        "auc_fixed": trained.mean("auc_fixed"),
    }
    orders = {e.lender_id: e.beats_fixed for e in trained.evaluations}
    version = await ranker_store.save_version(con, request, trained, orders, summary, now)
    event = RankerTrained(
        request_id=request.request_id,
        model_version=version,
        answers=trained.answers,
        lenders=trained.evaluations,
        trained_at=now,
        ndcg10_learned=summary["ndcg10_learned"],
        ndcg10_fixed=summary["ndcg10_fixed"],
        auc_learned=summary["auc_learned"],
        auc_fixed=summary["auc_fixed"],
    )
    await enqueue(con, [event], source=SOURCE)
    return event


def ranker_handlers(settings: MatchingSettings) -> HandlerTable:
    """The ranker consumer: each retrain request is trained once."""

    async def on_requested(con: Connection, events: Batch[RankerRetrainRequested]) -> None:
        for request in events.data:
            await train(con, request, settings)

    return HandlerTable(on(RankerRetrainRequested, handle=on_requested))
