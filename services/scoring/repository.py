"""SQL of the scoring service, next to the function that runs it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from schemas.project import ProjectVersion, ProjectWithdrawn
from scoring.estimate.factors import FactorSet
from servicekit.db import Connection, Executor, insert_rows


async def keep_newer_versions(
    con: Connection, versions: Sequence[ProjectVersion]
) -> list[ProjectVersion]:
    """Upsert the read model; returns only versions newer than what was stored."""
    latest: dict[uuid.UUID, ProjectVersion] = {}
    for v in versions:
        if v.project_id not in latest or latest[v.project_id].version < v.version:
            latest[v.project_id] = v
    rows = await con.fetch(
        "INSERT INTO projects (project_id, enterprise_id, version, snapshot)"
        " SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::jsonb[])"
        " ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version,"
        " snapshot = EXCLUDED.snapshot, updated_at = now()"
        " WHERE projects.version < EXCLUDED.version AND projects.status = 'active'"
        " RETURNING project_id",
        [v.project_id for v in latest.values()],
        [v.enterprise_id for v in latest.values()],
        [v.version for v in latest.values()],
        [v.model_dump(mode="json") for v in latest.values()],
    )
    fresh = {r["project_id"] for r in rows}
    return [v for v in latest.values() if v.project_id in fresh]


async def mark_withdrawn(con: Connection, withdrawals: Sequence[ProjectWithdrawn]) -> None:
    """A withdrawal is final, even when it arrives before the project's registration or an
    update (events of one project can be relayed out of order): a tombstone row keeps any
    later-arriving version of it from being scored."""
    await con.execute(
        "INSERT INTO projects (project_id, enterprise_id, version, status, snapshot)"
        " SELECT DISTINCT ON (id) id, enterprise, version, 'withdrawn', '{}'::jsonb"
        " FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS w(id, enterprise, version)"
        " ORDER BY id ON CONFLICT (project_id) DO UPDATE SET status = 'withdrawn',"
        " updated_at = now()",
        [w.project_id for w in withdrawals],
        [w.enterprise_id for w in withdrawals],
        [w.version for w in withdrawals],
    )


async def sync_factor_sets(con: Connection, sets: Sequence[FactorSet]) -> None:
    """Store shipped factor sets; the file's `active` flag counts only if none is active yet."""
    for s in sets:
        await con.execute(
            "INSERT INTO factor_sets (id, version, body) VALUES ($1, $2, $3)"
            " ON CONFLICT (id) DO NOTHING",
            s.id,
            s.version,
            s.model_dump(mode="json"),
        )
    if not await con.fetchval("SELECT 1 FROM factor_sets WHERE active"):
        for s in sets:
            if s.active:
                await con.execute("UPDATE factor_sets SET active = true WHERE id = $1", s.id)


async def factor_sets(con: Executor) -> list[tuple[FactorSet, bool]]:
    rows = await con.fetch("SELECT body, active FROM factor_sets ORDER BY id")
    return [(FactorSet.model_validate(r["body"]), r["active"]) for r in rows]


async def activate_factor_set(con: Connection, factor_set_id: str) -> bool:
    if not await con.fetchval("SELECT 1 FROM factor_sets WHERE id = $1", factor_set_id):
        return False
    await con.execute("UPDATE factor_sets SET active = false WHERE active")
    await con.execute("UPDATE factor_sets SET active = true WHERE id = $1", factor_set_id)
    return True


async def active_versions(con: Executor) -> tuple[str, str]:
    """Ids of the active factor set and model ('none' before the first training)."""
    row = await con.fetchrow(
        "SELECT (SELECT id FROM factor_sets WHERE active) AS factor_set,"
        " coalesce((SELECT version FROM models WHERE active), 'none') AS model"
    )
    assert row is not None
    return row["factor_set"], row["model"]


async def model_body(con: Executor, version: str) -> bytes | None:
    value = await con.fetchval("SELECT body FROM models WHERE version = $1", version)
    return bytes(value) if value is not None else None


async def lock_models(con: Connection) -> None:
    """Hold the right to change the active model until the transaction ends.

    Scoring replicas and the train endpoint may decide to retrain at once. Without this, the
    second one's `UPDATE ... WHERE active` cannot see the model the first just inserted and
    its own insert breaks `one_active_model`; behind the lock, each statement sees the
    model committed before it.
    """
    await con.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.models'))")


async def save_model(con: Connection, version: str, body: bytes, rows: int) -> None:
    """Make `version` the one active model (callers deciding to retrain lock first)."""
    await lock_models(con)
    await con.execute("UPDATE models SET active = false WHERE active")
    await con.execute(
        "INSERT INTO models (version, body, training_rows, active) VALUES ($1, $2, $3, true)"
        " ON CONFLICT (version) DO UPDATE SET active = true",
        version,
        body,
        rows,
    )


async def model_training_rows(con: Executor) -> int:
    return int(
        await con.fetchval("SELECT coalesce(max(training_rows), 0) FROM models WHERE active")
    )


async def count_active_projects(con: Executor, at_most: int) -> int:
    """Active projects, counted no further than `at_most`: asked on every consumed batch, so
    it must not cost a scan of a large database."""
    return int(
        await con.fetchval(
            "SELECT count(*) FROM (SELECT 1 FROM projects WHERE status = 'active' LIMIT $1) p",
            at_most,
        )
    )


async def active_snapshots(con: Executor, after: uuid.UUID | None, limit: int) -> list[Any]:
    """Active projects' latest snapshots in id order, for rescoring and training."""
    return await con.fetch(
        "SELECT project_id, snapshot FROM projects WHERE status = 'active'"
        " AND ($1::uuid IS NULL OR project_id > $1) ORDER BY project_id LIMIT $2",
        after,
        limit,
    )


SCORE_COLUMNS = (
    "project_id",
    "project_version",
    "factor_set_id",
    "model_version",
    "enterprise_id",
    "type",
    "city",
    "score",
    "annual_tco2e",
    "rejected",
    "unscorable",
    "record",
    "scored_at",
)


async def save_scores(con: Connection, rows: Sequence[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Insert scores not yet recorded; returns the keys that are new. Replays insert nothing."""
    if not rows:
        return set()
    await con.execute(
        "CREATE TEMP TABLE IF NOT EXISTS incoming_scores"
        " (LIKE scores INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    await insert_rows(con, "incoming_scores", SCORE_COLUMNS, rows)
    inserted = await con.fetch(
        f"INSERT INTO scores ({', '.join(SCORE_COLUMNS)})"
        f" SELECT {', '.join(SCORE_COLUMNS)} FROM incoming_scores"
        " ON CONFLICT DO NOTHING RETURNING project_id, project_version, factor_set_id,"
        " model_version"
    )
    keys = {tuple(r.values()) for r in inserted}
    if keys:
        await con.execute(
            "UPDATE scores s SET current = false FROM unnest($1::uuid[], $2::text[], $3::text[])"
            " AS n(project_id, factor_set_id, model_version) WHERE s.project_id = n.project_id"
            " AND s.current AND NOT (s.factor_set_id = n.factor_set_id"
            " AND s.model_version = n.model_version AND s.project_version = ("
            " SELECT max(project_version) FROM scores x WHERE x.project_id = n.project_id"
            " AND x.factor_set_id = n.factor_set_id AND x.model_version = n.model_version))",
            [k[0] for k in keys],
            [k[2] for k in keys],
            [k[3] for k in keys],
        )
    return keys


async def score_of(
    con: Executor, project_id: uuid.UUID, factor_set_id: str | None
) -> asyncpg.Record | None:
    """The current score, or the newest one computed with a given factor set."""
    return await con.fetchrow(
        "SELECT s.*, coalesce((SELECT p.status FROM projects p"
        " WHERE p.project_id = s.project_id), 'active') AS project_status FROM scores s"
        " WHERE s.project_id = $1"
        " AND (CASE WHEN $2::text IS NULL THEN s.current ELSE s.factor_set_id = $2 END)"
        " ORDER BY s.project_version DESC, s.scored_at DESC LIMIT 1",
        project_id,
        factor_set_id,
    )


# A score is ranked when it is current, has a value, is not rejected and its project is not
# withdrawn; ranks and percentiles count ranked scores only.
RANKED = (
    "s.current AND s.score IS NOT NULL AND NOT s.rejected"
    " AND EXISTS (SELECT 1 FROM projects p WHERE p.project_id = s.project_id"
    " AND p.status = 'active')"
)


async def current_scores(con: Executor) -> list[asyncpg.Record]:
    """Every ranked score (see RANKED)."""
    return await con.fetch(
        "SELECT project_id, enterprise_id, type, city, score, annual_tco2e,"
        f" record->>'project_name' AS name FROM scores s WHERE {RANKED}"
    )


async def rejected_scores(
    con: Executor, project_type: str | None, city: str | None, offset: int, limit: int
) -> list[asyncpg.Record]:
    """Current rejected scores of projects not withdrawn, newest first, with their flags."""
    return await con.fetch(
        "SELECT s.project_id, s.project_version, s.type, s.city, s.scored_at,"
        " s.record->>'project_name' AS name, s.record->'flags' AS flags FROM scores s"
        " WHERE s.current AND s.rejected AND ($1::text IS NULL OR s.type = $1)"
        " AND ($2::text IS NULL OR s.city = $2) AND EXISTS (SELECT 1 FROM projects p"
        " WHERE p.project_id = s.project_id AND p.status = 'active')"
        " ORDER BY s.scored_at DESC, s.project_id OFFSET $3 LIMIT $4",
        project_type,
        city,
        offset,
        limit,
    )


async def score_history(con: Executor, project_id: uuid.UUID) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT project_version, factor_set_id, model_version, score, annual_tco2e, rejected,"
        " unscorable, current, scored_at FROM scores WHERE project_id = $1"
        " ORDER BY scored_at",
        project_id,
    )


def score_row(
    version: ProjectVersion,
    factor_set_id: str,
    model_version: str,
    scored_at: datetime,
    *,
    score: float | None,
    annual_tco2e: float | None,
    rejected: bool,
    unscorable: str | None,
    record: dict[str, Any] | None,
) -> tuple[Any, ...]:
    return (
        version.project_id,
        version.version,
        factor_set_id,
        model_version,
        version.enterprise_id,
        str(version.type),
        str(version.city),
        score,
        annual_tco2e,
        rejected,
        unscorable,
        record,
        scored_at,
    )


async def standing_of(
    con: Executor, score: float, project_type: str, city: str
) -> asyncpg.Record | None:
    """Competition rank and percentile (share at or below) overall, in type and in city."""
    return await con.fetchrow(
        "SELECT 1 + count(*) FILTER (WHERE score > $1) AS rank_overall,"
        " 100.0 * count(*) FILTER (WHERE score <= $1) / count(*) AS percentile_overall,"
        " 1 + count(*) FILTER (WHERE type = $2 AND score > $1) AS rank_in_type,"
        " 100.0 * count(*) FILTER (WHERE type = $2 AND score <= $1)"
        "   / nullif(count(*) FILTER (WHERE type = $2), 0) AS percentile_in_type,"
        " 1 + count(*) FILTER (WHERE city = $3 AND score > $1) AS rank_in_city,"
        " 100.0 * count(*) FILTER (WHERE city = $3 AND score <= $1)"
        "   / nullif(count(*) FILTER (WHERE city = $3), 0) AS percentile_in_city"
        f" FROM scores s WHERE {RANKED}",
        score,
        project_type,
        city,
    )
