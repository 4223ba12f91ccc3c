"""SQL for subsidy programmes and claims: the rule tables, budgets under lock, claims, use."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg
import orjson

from matching.lending.money import from_fen, to_fen
from matching.subsidies.rules import Programme, ProgrammeTable
from schemas.subsidies import SubsidyEarned
from servicekit.db import Connection, Executor


async def sync_programmes(con: Connection, table: ProgrammeTable) -> None:
    """Load the rule table: new programmes start unspent, known ones take the file's rules and
    budget (never below what is already granted: granted money stays granted)."""
    await con.executemany(
        "INSERT INTO subsidy_programmes (programme_id, name, name_zh, kind, claimant,"
        " valid_from, valid_to, source, illustrative, rules, budget_fen)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (programme_id) DO UPDATE SET name = EXCLUDED.name,"
        " name_zh = EXCLUDED.name_zh, kind = EXCLUDED.kind, claimant = EXCLUDED.claimant,"
        " valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,"
        " source = EXCLUDED.source, illustrative = EXCLUDED.illustrative,"
        " rules = EXCLUDED.rules,"
        " budget_fen = GREATEST(EXCLUDED.budget_fen, subsidy_programmes.granted_fen),"
        " loaded_at = now()",
        [
            (
                p.programme_id,
                p.name,
                p.name_zh,
                str(p.kind),
                str(p.claimant),
                p.valid_from,
                p.valid_to,
                p.source,
                p.illustrative,
                [r.model_dump(mode="json") for r in p.rules],
                to_fen(p.budget_cny),
            )
            for p in table.programmes
        ],
    )


def _programme(r: asyncpg.Record) -> Programme:
    return Programme.model_validate(
        {
            k: r[k]
            for k in (
                "programme_id",
                "name",
                "name_zh",
                "kind",
                "claimant",
                "valid_from",
                "valid_to",
                "source",
                "illustrative",
                "rules",
            )
        }
        | {"budget_cny": from_fen(r["budget_fen"])}
    )


async def programmes(con: Executor) -> tuple[Programme, ...]:
    rows = await con.fetch("SELECT * FROM subsidy_programmes ORDER BY programme_id")
    return tuple(_programme(r) for r in rows)


@dataclass(frozen=True)
class Budget:
    budget_fen: int
    granted_fen: int


async def lock_budgets(con: Connection, programme_ids: Sequence[str]) -> dict[str, Budget]:
    """The budgets, locked in id order (every grant takes them so, after its deal and mandate):
    a concurrent grant from any process waits here and then sees what this one granted."""
    rows = await con.fetch(
        "SELECT programme_id, budget_fen, granted_fen FROM subsidy_programmes"
        " WHERE programme_id = ANY($1::text[]) ORDER BY programme_id FOR UPDATE",
        sorted(programme_ids),
    )
    return {r["programme_id"]: Budget(r["budget_fen"], r["granted_fen"]) for r in rows}


async def add_granted(con: Connection, programme_id: str, fen: int) -> None:
    await con.execute(
        "UPDATE subsidy_programmes SET granted_fen = granted_fen + $2 WHERE programme_id = $1",
        programme_id,
        fen,
    )


async def insert_claims(con: Connection, events: Sequence[SubsidyEarned]) -> None:
    await con.executemany(
        "INSERT INTO subsidy_claims (deal_id, movement, number, programme_id, lender_id,"
        " enterprise_id, project_id, claimant, movement_on, earned_fen, granted_fen, event)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [
            (
                e.deal_id,
                str(e.movement),
                e.number,
                e.programme_id,
                e.lender_id,
                e.enterprise_id,
                e.project_id,
                str(e.claimant),
                e.movement_on,
                to_fen(e.earned_cny),
                to_fen(e.granted_cny),
                orjson.loads(e.model_dump_json()),
            )
            for e in events
        ],
    )


@dataclass(frozen=True)
class LoanFacts:
    """What the rules read of a loan besides its terms: the project's score and category, and
    the day of the loan's last movement (interest accrues from it)."""

    project_name: str
    score: float
    catalogue_category_code: str
    last_movement_on: date | None


async def loan_facts(con: Executor, deal_id: uuid.UUID) -> LoanFacts:
    row = await con.fetchrow(
        "SELECT matched->'project'->>'project_name' AS project_name,"
        " (matched->'project'->>'score')::float8 AS score,"
        " matched->'project'->'taxonomy'->>'catalogue_category_code' AS category,"
        " (SELECT max(d) FROM (SELECT disbursed_on AS d FROM disbursements WHERE deal_id = $1"
        "  UNION ALL SELECT repaid_on FROM repayments WHERE deal_id = $1) m) AS last_on"
        " FROM deals WHERE deal_id = $1",
        deal_id,
    )
    assert row is not None
    return LoanFacts(row["project_name"], row["score"], row["category"] or "", row["last_on"])


async def budget_use(con: Executor) -> list[asyncpg.Record]:
    """Each programme with its budget, what was granted and earned, and how many claims."""
    return await con.fetch(
        "SELECT p.*, coalesce(c.claims, 0) AS claims, coalesce(c.earned_fen, 0) AS earned_fen,"
        " coalesce(c.enterprises, 0) AS enterprises"
        " FROM subsidy_programmes p LEFT JOIN ("
        "  SELECT programme_id, count(*) AS claims, sum(earned_fen) AS earned_fen,"
        "  count(DISTINCT enterprise_id) AS enterprises FROM subsidy_claims GROUP BY programme_id"
        " ) c USING (programme_id) ORDER BY p.programme_id"
    )


async def claims(con: Executor, after: int, limit: int) -> list[asyncpg.Record]:
    """Claims the caller may see (row-level security decides), oldest first."""
    return await con.fetch(
        "SELECT seq, event FROM subsidy_claims WHERE seq > $1 ORDER BY seq LIMIT $2",
        after,
        limit,
    )
