"""SQL for the deal ranker: its training answers, retrain requests, versions and models."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from matching.ranking.evaluation import Example, TrainedRanker
from matching.ranking.features import deal_features
from matching.ranking.model import LenderModel
from schemas.ranking import LenderEvaluation, RankerRetrainRequested
from servicekit.db import Connection, Executor

ACTED = ("interest", "offer", "disbursed")

# Each deal's first answer (acted or declined) in the order given, and the deals left
# unanswered past the horizon (ignored, dated when the horizon ran out).
_EXAMPLES = """
WITH first_answers AS (
    SELECT DISTINCT ON (deal_id) deal_id, payload->'response'->>'kind' AS kind, at
    FROM feed WHERE event_type = 'deal.responded.v1'
    ORDER BY deal_id, position
)
SELECT d.deal_id, d.lender_id, d.matched, a.kind,
       coalesce(a.at, d.created_at + $1::interval) AS at
FROM deals d LEFT JOIN first_answers a USING (deal_id)
WHERE a.kind IS NOT NULL OR (d.state = 'matched' AND d.created_at < now() - $1::interval)
"""


async def training_examples(
    con: Executor, ignored_after: timedelta, per_lender_max: int
) -> list[Example]:
    """Every lender's newest `per_lender_max` answers (training stays bounded)."""
    rows = await con.fetch(
        f"SELECT * FROM (SELECT e.*, row_number() OVER"
        f" (PARTITION BY lender_id ORDER BY at DESC, deal_id) AS newest FROM ({_EXAMPLES}) e) n"
        " WHERE newest <= $2",
        ignored_after,
        per_lender_max,
    )
    return [
        Example(
            r["deal_id"],
            r["lender_id"],
            r["at"],
            float(r["matched"]["fit_score"]),
            tuple(deal_features(r["matched"])),
            r["kind"] in ACTED,
        )
        for r in rows
    ]


async def count_answers(con: Executor, ignored_after: timedelta) -> int:
    return int(await con.fetchval(f"SELECT count(*) FROM ({_EXAMPLES}) e", ignored_after))


async def lock_requests(con: Connection) -> None:
    """Replicas deciding whether to ask for a retrain take turns (released at commit)."""
    await con.execute("SELECT pg_advisory_xact_lock(hashtext('matching.ranker_requests'))")


async def insert_request(con: Connection, event: RankerRetrainRequested) -> None:
    await con.execute(
        "INSERT INTO ranker_requests (request_id, cause, note, requested_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        event.request_id,
        event.cause,
        event.note,
        event.requested_at,
    )


async def pending_request(con: Executor) -> RankerRetrainRequested | None:
    """The oldest request not trained yet, if any."""
    row = await con.fetchrow(
        "SELECT request_id, cause, note, requested_at FROM ranker_requests"
        " WHERE model_version IS NULL ORDER BY requested_at LIMIT 1"
    )
    return RankerRetrainRequested(**dict(row.items())) if row else None


async def trained_answers(con: Executor) -> int | None:
    """How many answers the newest version learned from; None before the first version."""
    value = await con.fetchval(
        "SELECT answers FROM ranker_versions ORDER BY model_version DESC LIMIT 1"
    )
    return None if value is None else int(value)


async def version_of_request(con: Executor, request_id: uuid.UUID) -> int | None:
    value = await con.fetchval(
        "SELECT model_version FROM ranker_versions WHERE request_id = $1", request_id
    )
    return None if value is None else int(value)


async def save_version(
    con: Connection,
    request: RankerRetrainRequested,
    trained: TrainedRanker,
    orders: dict[uuid.UUID, bool],
    summary: Mapping[str, float | None],
    at: datetime,
) -> int:
    """Store a new version with every lender's model and evaluation; answers the request."""
    await con.execute("SELECT pg_advisory_xact_lock(hashtext('matching.ranker_versions'))")
    version = int(
        await con.fetchval("SELECT coalesce(max(model_version), 0) + 1 FROM ranker_versions")
    )
    await con.execute(
        "INSERT INTO ranker_versions (model_version, request_id, answers, summary, trained_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        version,
        request.request_id,
        trained.answers,
        dict(summary),
        at,
    )
    evaluations = {e.lender_id: e for e in trained.evaluations}
    lenders = sorted(trained.models.keys() | evaluations.keys(), key=str)
    await con.executemany(
        "INSERT INTO ranker_lender_models (model_version, lender_id, model, evaluation,"
        " orders_feed) VALUES ($1, $2, $3, $4, $5)",
        [
            (
                version,
                lender_id,
                model.to_json() if (model := trained.models.get(lender_id)) else None,
                e.model_dump(mode="json") if (e := evaluations.get(lender_id)) else None,
                orders.get(lender_id, False),
            )
            for lender_id in lenders
        ],
    )
    await insert_request(con, request)
    await con.execute(
        "UPDATE ranker_requests SET model_version = $2 WHERE request_id = $1",
        request.request_id,
        version,
    )
    return version


@dataclass(frozen=True)
class StoredLenderModel:
    """A lender's model in the newest version that has one for it."""

    model_version: int
    model: LenderModel | None
    evaluation: LenderEvaluation | None
    orders_feed: bool


async def lender_model(con: Executor, lender_id: uuid.UUID) -> StoredLenderModel | None:
    row = await con.fetchrow(
        "SELECT * FROM ranker_lender_models WHERE lender_id = $1"
        " ORDER BY model_version DESC LIMIT 1",
        lender_id,
    )
    if row is None:
        return None
    model = LenderModel.from_json(lender_id, row["model"]) if row["model"] else None
    evaluation = row["evaluation"] and LenderEvaluation.model_validate(row["evaluation"])
    return StoredLenderModel(row["model_version"], model, evaluation or None, row["orders_feed"])


async def newest_version(con: Executor) -> tuple[asyncpg.Record, list[asyncpg.Record]] | None:
    """The newest version and its lenders' rows (as far as the caller may see them)."""
    version = await con.fetchrow(
        "SELECT * FROM ranker_versions ORDER BY model_version DESC LIMIT 1"
    )
    if version is None:
        return None
    lenders = await con.fetch(
        "SELECT r.*, l.name AS lender_name FROM ranker_lender_models r"
        " LEFT JOIN lenders l USING (lender_id) WHERE r.model_version = $1"
        " ORDER BY l.name, r.lender_id",
        version["model_version"],
    )
    return version, lenders


async def awaiting_answer(con: Executor, lender_id: uuid.UUID, most: int) -> list[asyncpg.Record]:
    """The lender's newest `most` deals still waiting for its first answer, newest first."""
    return await con.fetch(
        "SELECT deal_id, project_id, matched, created_at FROM deals"
        " WHERE lender_id = $1 AND state = 'matched' ORDER BY created_at DESC, deal_id LIMIT $2",
        lender_id,
        most,
    )
