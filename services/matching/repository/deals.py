"""SQL for deals and their loans: states, tranches, repayments, offers due to expire."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import asyncpg

from matching.lending.collateral import issuance_of
from matching.lending.deals import Deal, DealState
from schemas.deals import DealMatched, Offer
from schemas.scoring import CarbonReductionField
from schemas.vocabulary import City, Instrument, ProjectFamily
from servicekit.db import Connection, Executor


def _deal(r: asyncpg.Record) -> Deal:
    project = r["matched"]["project"]
    offer = Offer.model_validate(r["offer"]) if r["offer"] else None
    return Deal(
        r["deal_id"],
        r["lender_id"],
        r["mandate_id"],
        r["mandate_version"],
        r["project_id"],
        r["project_version"],
        r["enterprise_id"],
        City(project["city"]),
        ProjectFamily(project["family"]),
        Decimal(project["financing_need_cny"]),
        frozenset(Instrument(i) for i in project["instruments"]),
        DealState(r["state"]),
        offer,
        r["disbursed_cny"],
        CarbonReductionField(project["taxonomy"]["carbon_reduction_facility_field"]),
        r["repaid_cny"],
        r["offer_open"],
        expected_issuance=issuance_of(project),
    )


async def deals_of_projects(con: Connection, project_ids: Sequence[uuid.UUID]) -> list[Deal]:
    rows = await con.fetch(
        "SELECT * FROM deals WHERE project_id = ANY($1::uuid[]) ORDER BY deal_id FOR UPDATE",
        list(project_ids),
    )
    return [_deal(r) for r in rows]


async def deals_of_mandate(
    con: Connection, mandate_id: uuid.UUID, *, skip_locked: bool = False
) -> list[Deal]:
    """The mandate's deals, locked; with `skip_locked`, those another transaction holds are
    left out (a caller holding the mandate's lock must never wait for a deal's: the deal's
    holder may be waiting for the mandate)."""
    suffix = " SKIP LOCKED" if skip_locked else ""
    rows = await con.fetch(
        f"SELECT * FROM deals WHERE mandate_id = $1 ORDER BY deal_id FOR UPDATE{suffix}",
        mandate_id,
    )
    return [_deal(r) for r in rows]


async def deals_of_mandate_on(
    con: Connection, mandate_id: uuid.UUID, after: uuid.UUID | None, through: uuid.UUID
) -> list[Deal]:
    """The mandate's deals on projects with ids in (`after`, `through`], locked: one chunk of a
    mandate re-match (matching.sweeps)."""
    rows = await con.fetch(
        "SELECT * FROM deals WHERE mandate_id = $1 AND project_id > $2 AND project_id <= $3"
        " ORDER BY deal_id FOR UPDATE",
        mandate_id,
        after or uuid.UUID(int=0),
        through,
    )
    return [_deal(r) for r in rows]


async def lock_deal(
    con: Connection, deal_id: uuid.UUID, *, lock: bool = True
) -> tuple[Deal, asyncpg.Record] | None:
    suffix = " FOR UPDATE" if lock else ""
    row = await con.fetchrow(f"SELECT * FROM deals WHERE deal_id = $1{suffix}", deal_id)
    return (_deal(row), row) if row else None


async def fetch_deal(con: Executor, deal_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow("SELECT * FROM deals WHERE deal_id = $1", deal_id)


async def open_deals(con: Executor, lender_id: uuid.UUID | None) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT d.*, p.scored FROM deals d JOIN projects p USING (project_id)"
        " WHERE d.state IN ('matched', 'interested', 'offered')"
        " AND NOT p.withdrawn AND NOT p.rejected"
        " AND ($1::uuid IS NULL OR d.lender_id = $1)",
        lender_id,
    )


async def insert_deals(con: Connection, events: Sequence[DealMatched]) -> list[DealMatched]:
    """New deals only: a replayed match inserts nothing and so emits nothing."""
    if not events:
        return []
    rows = await con.fetch(
        "INSERT INTO deals (deal_id, lender_id, mandate_id, mandate_version, project_id,"
        " project_version, enterprise_id, state, matched)"
        " SELECT d, l, m, mv, p, pv, e, 'matched', j FROM unnest($1::uuid[], $2::uuid[],"
        " $3::uuid[], $4::int[], $5::uuid[], $6::int[], $7::uuid[], $8::jsonb[])"
        " AS t(d, l, m, mv, p, pv, e, j) ON CONFLICT DO NOTHING RETURNING deal_id",
        [e.deal_id for e in events],
        [e.lender_id for e in events],
        [e.mandate_id for e in events],
        [e.mandate_version for e in events],
        [e.project_id for e in events],
        [e.project_version for e in events],
        [e.enterprise_id for e in events],
        [e.model_dump(mode="json") for e in events],
    )
    fresh = {r["deal_id"] for r in rows}
    return [e for e in events if e.deal_id in fresh]


async def save_deal_states(con: Connection, deals: Sequence[Deal]) -> None:
    """Store each deal's state and money; mandates whose room moved are reloaded by matching."""
    await con.executemany(
        "UPDATE deals SET state = $2, offer = $3, disbursed_cny = $4, repaid_cny = $5,"
        " reserved_cny = $6, offer_open = $7, offer_valid_until = $8, updated_at = now()"
        " WHERE deal_id = $1",
        [
            (
                d.deal_id,
                str(d.state),
                d.offer.model_dump(mode="json") if d.offer else None,
                d.disbursed_cny,
                d.repaid_cny,
                d.reserved_cny,
                d.offer_open,
                d.offer.valid_until if d.offer else None,
            )
            for d in deals
        ],
    )
    moved = sorted({d.mandate_id for d in deals if d.capacity_changed})
    if moved:
        await con.execute(
            "UPDATE mandates SET revision = nextval('mandate_revision')"
            " WHERE mandate_id = ANY($1::uuid[])",
            moved,
        )


async def record_disbursement(con: Connection, deal: Deal, amount: Decimal, on: Any) -> int:
    """One more tranche of the deal, numbered after the ones before it; returns its number."""
    number: int = await con.fetchval(
        "INSERT INTO disbursements (deal_id, tranche, mandate_id, enterprise_id, city, family,"
        " amount_cny, disbursed_on) SELECT $1, coalesce(max(tranche), 0) + 1, $2, $3, $4, $5,"
        " $6, $7 FROM disbursements WHERE deal_id = $1 RETURNING tranche",
        deal.deal_id,
        deal.mandate_id,
        deal.enterprise_id,
        str(deal.city),
        str(deal.family),
        amount,
        on,
    )
    return number


async def record_repayment(con: Connection, deal: Deal, amount: Decimal, on: Any) -> int:
    """One more repayment of the deal; returns its number."""
    number: int = await con.fetchval(
        "INSERT INTO repayments (deal_id, number, mandate_id, amount_cny, repaid_on)"
        " SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4 FROM repayments WHERE deal_id = $1"
        " RETURNING number",
        deal.deal_id,
        deal.mandate_id,
        amount,
        on,
    )
    return number


async def loan_movements(
    con: Executor, deal_id: uuid.UUID
) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """A deal's tranches and repayments, oldest first."""
    tranches = await con.fetch(
        "SELECT tranche, amount_cny, disbursed_on FROM disbursements WHERE deal_id = $1"
        " ORDER BY tranche",
        deal_id,
    )
    repaid = await con.fetch(
        "SELECT number, amount_cny, repaid_on FROM repayments WHERE deal_id = $1 ORDER BY number",
        deal_id,
    )
    return tranches, repaid


async def offers_past(con: Executor, today: Any, limit: int) -> list[uuid.UUID]:
    """Deals whose open offer was valid only before `today`: the expiry sweep's work."""
    rows = await con.fetch(
        "SELECT deal_id FROM deals WHERE offer_open AND offer_valid_until < $1"
        " ORDER BY offer_valid_until, deal_id LIMIT $2",
        today,
        limit,
    )
    return [r["deal_id"] for r in rows]


async def project_owner(con: Executor, project_id: uuid.UUID) -> uuid.UUID | None:
    """The enterprise a scored project belongs to, if the caller may see the project."""
    owner: uuid.UUID | None = await con.fetchval(
        "SELECT enterprise_id FROM projects WHERE project_id = $1", project_id
    )
    return owner


async def interested_lenders(con: Executor, project_id: uuid.UUID) -> list[asyncpg.Record]:
    """Lenders that answered a project with interest, an offer or money, including offers that
    ended (declined, withdrawn, expired) and loans repaid: what its owner may see (as the
    deals' row-level security puts it)."""
    return await con.fetch(
        "SELECT d.deal_id, d.lender_id, l.name AS lender_name, d.state, d.updated_at,"
        " d.offer, d.offer_open"
        " FROM deals d JOIN lenders l USING (lender_id) WHERE d.project_id = $1"
        " AND d.state NOT IN ('matched', 'declined', 'withdrawn') ORDER BY d.created_at",
        project_id,
    )
