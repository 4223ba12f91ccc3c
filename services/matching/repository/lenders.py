"""SQL for lenders and their mandates: versions, closing, exposure and balances."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg

from matching.lending.exposure import Exposure
from matching.lending.mandates import Mandate
from schemas.lending import LenderRegistered, MandateClosed, MandateVersion
from schemas.vocabulary import City, ProjectFamily
from servicekit.db import Connection, Executor


async def insert_lender(con: Connection, e: LenderRegistered) -> bool:
    """False when the lender is already registered (even by a concurrent request)."""
    inserted = await con.fetchval(
        "INSERT INTO lenders (lender_id, name, kind, city, spec, registered_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lender_id) DO NOTHING RETURNING true",
        e.lender_id,
        e.name,
        str(e.kind),
        str(e.city),
        e.model_dump(mode="json"),
        e.registered_at,
    )
    return bool(inserted)


async def fetch_lender(con: Executor, lender_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow("SELECT * FROM lenders WHERE lender_id = $1", lender_id)


async def save_mandate_version(con: Connection, e: MandateVersion) -> None:
    snapshot = e.model_dump(mode="json")
    await con.execute(
        "INSERT INTO mandates (mandate_id, lender_id, version, snapshot) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (mandate_id) DO UPDATE SET version = EXCLUDED.version,"
        " snapshot = EXCLUDED.snapshot, revision = nextval('mandate_revision'), updated_at = now()",
        e.mandate_id,
        e.lender_id,
        e.version,
        snapshot,
    )
    await _record_version(con, e, e.recorded_at)


async def close_mandate(con: Connection, e: MandateClosed) -> None:
    await con.execute(
        "UPDATE mandates SET closed = true, revision = nextval('mandate_revision'),"
        " updated_at = now() WHERE mandate_id = $1",
        e.mandate_id,
    )
    await _record_version(con, e, e.closed_at)


async def _record_version(
    con: Connection, e: MandateVersion | MandateClosed, recorded_at: datetime
) -> None:
    """Every mandate event is kept in `mandate_versions`, the mandate's history."""
    await con.execute(
        "INSERT INTO mandate_versions (mandate_id, version, event_type, snapshot, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        e.mandate_id,
        e.version,
        e.event_type,
        e.model_dump(mode="json"),
        recorded_at,
    )


_COMMITTED = (
    "SELECT mandate_id, enterprise_id, city, family, reserved_cny, disbursed_cny, repaid_cny"
    " FROM deals WHERE mandate_id = ANY($1::uuid[]) AND (reserved_cny > 0 OR disbursed_cny > 0)"
    " ORDER BY deal_id"
)


async def _exposures(con: Executor, revolving: dict[uuid.UUID, bool]) -> dict[uuid.UUID, Exposure]:
    """Per mandate: live offers' undrawn reservations plus its loans (outstanding balances
    on a revolving mandate, everything drawn otherwise)."""
    exposures: dict[uuid.UUID, Exposure] = defaultdict(Exposure)
    for r in await con.fetch(_COMMITTED, list(revolving)):
        exposure, axes = exposures[r["mandate_id"]], _axes(r)
        drawn = r["disbursed_cny"] or Decimal(0)
        exposure.add(r["reserved_cny"], *axes, reserved=True)
        exposure.add(drawn - r["repaid_cny"] if revolving[r["mandate_id"]] else drawn, *axes)
    return exposures


def _axes(r: asyncpg.Record) -> tuple[uuid.UUID, City, ProjectFamily]:
    return r["enterprise_id"], City(r["city"]), ProjectFamily(r["family"])


async def _mandates(con: Executor, rows: Sequence[asyncpg.Record]) -> list[Mandate]:
    versions = [MandateVersion.model_validate(r["snapshot"], extra="ignore") for r in rows]
    exposures = await _exposures(con, {v.mandate_id: v.revolving for v in versions})
    mandates = []
    for r, version in zip(rows, versions, strict=True):
        mandate = Mandate.from_version(version, exposures.get(r["mandate_id"]))
        mandate.closed = r["closed"]
        mandates.append(mandate)
    return mandates


async def load_mandate(
    con: Connection, mandate_id: uuid.UUID, *, lock: bool = False
) -> Mandate | None:
    suffix = " FOR UPDATE" if lock else ""
    row = await con.fetchrow(f"SELECT * FROM mandates WHERE mandate_id = $1{suffix}", mandate_id)
    return (await _mandates(con, [row]))[0] if row else None


async def load_mandates(con: Executor, mandate_ids: Sequence[uuid.UUID]) -> list[Mandate]:
    """The mandates among `mandate_ids` that exist, in id order, read with one query each for
    their terms and their exposure however many there are."""
    rows = await con.fetch(
        "SELECT * FROM mandates WHERE mandate_id = ANY($1::uuid[]) ORDER BY mandate_id",
        list(mandate_ids),
    )
    return await _mandates(con, rows)


async def mandates_changed_since(con: Executor, revision: int) -> tuple[list[Mandate], int]:
    """Mandates whose terms, state or exposure changed after `revision`, and the new mark."""
    rows = await con.fetch("SELECT * FROM mandates WHERE revision > $1 ORDER BY revision", revision)
    mark = max([revision, *(r["revision"] for r in rows)])
    return await _mandates(con, rows), mark


async def list_mandates(
    con: Executor, lender_id: uuid.UUID | None, after: int, limit: int
) -> list[asyncpg.Record]:
    return await con.fetch(
        "SELECT seq, mandate_id, lender_id, version, closed, snapshot, updated_at FROM mandates"
        " WHERE seq > $1 AND ($2::uuid IS NULL OR lender_id = $2) ORDER BY seq LIMIT $3",
        after,
        lender_id,
        limit,
    )


async def fetch_mandate_row(con: Executor, mandate_id: uuid.UUID) -> asyncpg.Record | None:
    return await con.fetchrow(
        "SELECT seq, mandate_id, lender_id, version, closed, snapshot, updated_at FROM mandates"
        " WHERE mandate_id = $1",
        mandate_id,
    )


async def mandate_balance(con: Executor, mandate_id: uuid.UUID) -> asyncpg.Record:
    """What a mandate's deals hold: reserved by live offers, drawn, repaid, outstanding."""
    row: asyncpg.Record | None = await con.fetchrow(
        "SELECT coalesce(sum(reserved_cny), 0) AS reserved_cny,"
        " coalesce(sum(disbursed_cny), 0) AS disbursed_cny,"
        " coalesce(sum(repaid_cny), 0) AS repaid_cny,"
        " coalesce(sum(disbursed_cny - repaid_cny), 0) AS outstanding_cny"
        " FROM deals WHERE mandate_id = $1",
        mandate_id,
    )
    assert row is not None  # an aggregate always returns a row
    return row
