"""Read-model writes, applied in the ledger append's transaction; replays change nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from typing_extensions import TypeVar

from audit.read_model import table_rows
from audit.read_model.table_rows import Recorded
from schemas.deals import DealMatched, DealOfferClosed, DealRepaid, DealResponded, DealWithdrawn
from schemas.envelope import EventData
from schemas.lending import LenderRegistered
from schemas.project import ProjectRegistered, ProjectUpdated, ProjectVersion, ProjectWithdrawn
from schemas.scoring import ProjectScored
from servicekit.batches import runs_by
from servicekit.db import Connection

E = TypeVar("E", bound=EventData)

UPSERT_PROJECT = """
INSERT INTO projects (project_id, enterprise_id, version, name, type, family, city, county,
    capex_cny, financing_need_cny, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (project_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name,
    type = EXCLUDED.type, family = EXCLUDED.family, city = EXCLUDED.city,
    county = EXCLUDED.county, capex_cny = EXCLUDED.capex_cny,
    financing_need_cny = EXCLUDED.financing_need_cny, updated_at = EXCLUDED.updated_at
WHERE projects.version <= EXCLUDED.version
"""
INSERT_PROJECT_FROM_SCORE = """
INSERT INTO projects (project_id, enterprise_id, version, name, type, family, city, county,
    capex_cny, financing_need_cny, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (project_id) DO NOTHING
"""
WITHDRAW_PROJECT = """
UPDATE projects SET status = 'withdrawn', updated_at = $3 WHERE project_id = $1 AND version <= $2
"""
UPSERT_SCORE = """
INSERT INTO project_scores (project_id, project_version, score, annual_tco2e, capex_cny,
    category_code, category, cerf_field, icma_category, scored_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (project_id) DO UPDATE SET project_version = EXCLUDED.project_version,
    score = EXCLUDED.score, annual_tco2e = EXCLUDED.annual_tco2e, capex_cny = EXCLUDED.capex_cny,
    category_code = EXCLUDED.category_code, category = EXCLUDED.category,
    cerf_field = EXCLUDED.cerf_field, icma_category = EXCLUDED.icma_category,
    scored_at = EXCLUDED.scored_at
WHERE (project_scores.project_version, project_scores.scored_at)
    <= (EXCLUDED.project_version, EXCLUDED.scored_at)
"""
INSERT_LENDER = """
INSERT INTO lenders (lender_id, name, kind, city, registered_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (lender_id) DO NOTHING
"""
INSERT_DEAL = """
INSERT INTO deals (deal_id, ledger_seq, lender_id, mandate_id, project_id, project_version,
    enterprise_id, city, county, family, capex_cny, annual_tco2e, category_code, cerf_field,
    fit_score, matched_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (deal_id) DO NOTHING
"""
WITHDRAW_DEAL = """
UPDATE deals SET withdrawn_at = $2, withdrawal_reason = $3
WHERE deal_id = $1 AND withdrawn_at IS NULL
"""
INSERT_RESPONSE = """
INSERT INTO responses (event_id, ledger_seq, deal_id, lender_id, mandate_id, project_id,
    enterprise_id, city, family, kind, instrument, amount_cny, rate_percent, tenor_months,
    disbursed_on, reason, responded_at, repaid_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (event_id) DO NOTHING
"""


Writer = Callable[[Connection, Sequence[Recorded[E]]], Awaitable[None]]
WRITERS: dict[str, Writer[Any]] = {}


def _writes(*models: type[E]) -> Callable[[Writer[E]], Writer[E]]:
    """Register a writer as the read model's one writer of `models`' events."""

    def register(writer: Writer[E]) -> Writer[E]:
        for model in models:
            WRITERS[model.event_type] = writer
        return writer

    return register


@_writes(ProjectRegistered, ProjectUpdated)
async def _projects(con: Connection, batch: Sequence[Recorded[ProjectVersion]]) -> None:
    await con.executemany(UPSERT_PROJECT, [table_rows.project_row(r.event) for r in batch])


@_writes(ProjectWithdrawn)
async def _withdrawals(con: Connection, batch: Sequence[Recorded[ProjectWithdrawn]]) -> None:
    await con.executemany(WITHDRAW_PROJECT, [table_rows.withdrawal_row(r.event) for r in batch])


@_writes(ProjectScored)
async def _scores(con: Connection, batch: Sequence[Recorded[ProjectScored]]) -> None:
    scored = [r.event for r in batch]
    await con.executemany(
        INSERT_PROJECT_FROM_SCORE, [table_rows.scored_project_row(e) for e in scored]
    )
    await con.executemany(UPSERT_SCORE, [table_rows.score_row(e) for e in scored])


@_writes(LenderRegistered)
async def _lenders(con: Connection, batch: Sequence[Recorded[LenderRegistered]]) -> None:
    await con.executemany(INSERT_LENDER, [table_rows.lender_row(r.event) for r in batch])


@_writes(DealMatched)
async def _deals(con: Connection, batch: Sequence[Recorded[DealMatched]]) -> None:
    await con.executemany(INSERT_DEAL, [table_rows.deal_row(r.seq, r.event) for r in batch])


@_writes(DealWithdrawn)
async def _deal_withdrawals(con: Connection, batch: Sequence[Recorded[DealWithdrawn]]) -> None:
    rows = [(r.event.deal_id, r.event.withdrawn_at, r.event.reason) for r in batch]
    await con.executemany(WITHDRAW_DEAL, rows)


@_writes(DealResponded)
async def _responses(con: Connection, batch: Sequence[Recorded[DealResponded]]) -> None:
    rows = [table_rows.response_row(r.seq, r.event_id, r.event) for r in batch]
    await con.executemany(INSERT_RESPONSE, rows)


@_writes(DealRepaid)
async def _repayments(con: Connection, batch: Sequence[Recorded[DealRepaid]]) -> None:
    rows = [table_rows.repayment_row(r.seq, r.event_id, r.event) for r in batch]
    await con.executemany(INSERT_RESPONSE, rows)


@_writes(DealOfferClosed)
async def _offers_closed(con: Connection, batch: Sequence[Recorded[DealOfferClosed]]) -> None:
    rows = [table_rows.offer_closed_row(r.seq, r.event_id, r.event) for r in batch]
    await con.executemany(INSERT_RESPONSE, rows)


async def apply(con: Connection, batch: Sequence[Recorded]) -> None:
    """Apply a batch in order, one writer call per run of events one writer takes."""
    for writer, run in runs_by(batch, lambda r: WRITERS.get(r.event.event_type)):
        if writer is not None:
            await writer(con, run)


async def note_gap(con: Connection, recorded: Recorded, error: BaseException) -> None:
    await con.execute(
        "INSERT INTO view_gaps (event_id, ledger_seq, type, error) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (event_id) DO UPDATE SET error = EXCLUDED.error, noted_at = now()",
        recorded.event_id,
        recorded.seq,
        recorded.event.event_type,
        repr(error)[:2000],
    )
