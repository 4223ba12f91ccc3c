"""Read-model SQL for the reports: financing rows with project facts, deals, answers, owners."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from audit.reports.flows import FinancingRow
from audit.reports.periods import china_date
from audit.reports.scorecard import Answer, MatchedDeal
from audit.repository.ledger import STORED as ENTRY_COLUMNS
from servicekit.db import Executor

FINANCING = """
SELECT r.kind, r.deal_id, r.ledger_seq, r.disbursed_on, r.repaid_on, r.responded_at,
       r.amount_cny,
       r.instrument, r.rate_percent, r.lender_id, r.project_id, r.city, r.family,
       COALESCE(p.county, d.county) AS county,
       COALESCE(s.category_code, d.category_code) AS category,
       COALESCE(s.cerf_field, d.cerf_field) AS cerf_field,
       COALESCE(s.capex_cny, p.capex_cny, d.capex_cny) AS capex_cny,
       COALESCE(s.annual_tco2e, d.annual_tco2e) AS annual_tco2e
FROM responses r
LEFT JOIN projects p ON p.project_id = r.project_id
LEFT JOIN project_scores s ON s.project_id = r.project_id
LEFT JOIN deals d ON d.deal_id = r.deal_id
WHERE r.kind IN ('offer', 'disbursed', 'repaid') AND r.amount_cny IS NOT NULL
  AND ($1::uuid IS NULL OR r.lender_id = $1)
  AND ($2::text IS NULL OR r.city = $2)
  AND ($3::text IS NULL OR r.family = $3)
  AND ($4::text IS NULL OR COALESCE(p.county, d.county) = $4)
  AND ($5::text IS NULL OR COALESCE(s.category_code, d.category_code) = $5)
  AND ($6::text IS NULL OR r.kind = $6)
  AND ($7::text IS NULL OR r.instrument = $7)
ORDER BY r.ledger_seq
"""


@dataclass(frozen=True)
class FinancingFilter:
    """Filters on what stays the same for every answer on a deal (and optionally the kind)."""

    lender_id: uuid.UUID | None = None
    city: str | None = None
    family: str | None = None
    county: str | None = None
    category: str | None = None
    kind: str | None = None
    instrument: str | None = None


def _tonnes(value: float | None) -> Decimal | None:
    return Decimal(repr(value)) if value is not None else None


def _financing_row(r: asyncpg.Record) -> FinancingRow:
    on: date = r["disbursed_on"] or r["repaid_on"] or china_date(r["responded_at"])
    return FinancingRow(
        r["kind"],
        r["deal_id"],
        r["ledger_seq"],
        on,
        r["amount_cny"],
        r["instrument"],
        r["rate_percent"],
        r["lender_id"],
        r["project_id"],
        r["city"],
        r["county"],
        r["family"],
        r["category"],
        r["cerf_field"],
        r["capex_cny"],
        _tonnes(r["annual_tco2e"]),
    )


async def financing_rows(con: Executor, f: FinancingFilter) -> list[FinancingRow]:
    rows = await con.fetch(
        FINANCING, f.lender_id, f.city, f.family, f.county, f.category, f.kind, f.instrument
    )
    return [_financing_row(r) for r in rows]


async def lender_deals(con: Executor, lender_id: uuid.UUID) -> list[MatchedDeal]:
    rows = await con.fetch(
        "SELECT deal_id, matched_at, withdrawn_at FROM deals WHERE lender_id = $1", lender_id
    )
    return [MatchedDeal(r["deal_id"], r["matched_at"], r["withdrawn_at"]) for r in rows]


async def lender_answers(con: Executor, lender_id: uuid.UUID) -> list[Answer]:
    rows = await con.fetch(
        "SELECT deal_id, kind, responded_at, reason FROM responses WHERE lender_id = $1"
        " ORDER BY ledger_seq",
        lender_id,
    )
    return [Answer(r["deal_id"], r["kind"], r["responded_at"], r["reason"]) for r in rows]


async def lender_names(con: Executor, lender_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = await con.fetch(
        "SELECT lender_id, name FROM lenders WHERE lender_id = ANY($1::uuid[])", lender_ids
    )
    return {r["lender_id"]: r["name"] for r in rows}


async def project_owner(con: Executor, project_id: uuid.UUID) -> uuid.UUID | None:
    """The enterprise a project belongs to, from whichever event the audit saw first."""
    value = await con.fetchval(
        "SELECT enterprise_id FROM projects WHERE project_id = $1"
        " UNION ALL SELECT enterprise_id FROM deals WHERE project_id = $1 LIMIT 1",
        project_id,
    )
    return value if isinstance(value, uuid.UUID) else None


@dataclass(frozen=True)
class LedgerFilter:
    type: str | None = None
    subject: str | None = None
    project_id: uuid.UUID | None = None
    time_from: datetime | None = None
    time_to: datetime | None = None


_LEDGER_CONDITIONS = (
    ("type", "type = ${}"),
    ("subject", "subject = ${}"),
    ("project_id", "project_id = ${}"),
    ("time_from", "event_time >= ${}"),
    ("time_to", "event_time < ${}"),
)


async def list_entries(
    con: Executor, f: LedgerFilter, after: int, limit: int
) -> list[asyncpg.Record]:
    """Only the filters given reach the SQL, so each query gets a plan that uses its index."""
    args: list[object] = [after, limit]
    where = ["seq > $1"]
    for name, condition in _LEDGER_CONDITIONS:
        value = getattr(f, name)
        if value is not None:
            args.append(value)
            where.append(condition.format(len(args)))
    return await con.fetch(
        f"SELECT {ENTRY_COLUMNS}, appended_at FROM ledger WHERE {' AND '.join(where)}"
        " ORDER BY seq LIMIT $2",
        *args,
    )


async def project_entries(
    con: Executor, project_id: uuid.UUID, after: int, limit: int
) -> list[asyncpg.Record]:
    """The project's entries in the order things happened: by event time, then ledger seq.

    Audit consumes several topics, so a score can reach the ledger before the registration it
    answers; the producers' event times restore cause before effect. The cursor is the seq of
    the last entry seen, and the next page starts after that entry's (time, seq) position.
    """
    return await con.fetch(
        f"SELECT {ENTRY_COLUMNS} FROM ledger WHERE project_id = $1 AND ($2::bigint = 0"
        " OR (event_time, seq) > (SELECT event_time, seq FROM ledger"
        " WHERE seq = $2::bigint AND project_id = $1))"
        " ORDER BY event_time, seq LIMIT $3",
        project_id,
        after,
        limit,
    )
